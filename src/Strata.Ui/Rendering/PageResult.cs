using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Strata.Ui.Rendering;

/// <summary>
/// Renders page component <typeparamref name="TPage"/> on the server to static HTML. The page gets its model and
/// the request's <see cref="UiContext"/> as cascading values: Razor components are public classes and their
/// parameters must be public, while cascading parameters may be private and so may carry internal types.
/// </summary>
internal sealed class PageResult<TPage, TModel>(TModel model, int statusCode) : IResult, IStatusCodeHttpResult
    where TPage : IComponent
{
    public int? StatusCode => statusCode;

    public async Task ExecuteAsync(HttpContext http)
    {
        await SessionUser.ReadAsync(http);
        var ui = UiContext.For(http);
        await using var renderer = new HtmlRenderer(http.RequestServices, http.RequestServices.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<CascadingValue<UiContext>>(Root(ui, Cascade(model, Page)));
            return output.ToHtmlString();
        });
        UiHeaders.Apply(http.Response);
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html, http.RequestAborted);
    }

    private static void Page(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
    {
        builder.OpenComponent<TPage>(0);
        builder.CloseComponent();
    }

    private static ParameterView Root<T>(T value, RenderFragment content) => ParameterView.FromDictionary(new Dictionary<string, object?>
    {
        [nameof(CascadingValue<T>.Value)] = value,
        [nameof(CascadingValue<T>.IsFixed)] = true,
        [nameof(CascadingValue<T>.ChildContent)] = content,
    });

    private static RenderFragment Cascade<T>(T value, RenderFragment content) => builder =>
    {
        builder.OpenComponent<CascadingValue<T>>(0);
        builder.AddComponentParameter(1, nameof(CascadingValue<T>.Value), value);
        builder.AddComponentParameter(2, nameof(CascadingValue<T>.IsFixed), true);
        builder.AddComponentParameter(3, nameof(CascadingValue<T>.ChildContent), content);
        builder.CloseComponent();
    };
}

/// <summary>Page results: <c>Page.Render&lt;NamespacesPage, NamespaceList&gt;(model)</c>.</summary>
internal static class Page
{
    public static PageResult<TPage, TModel> Render<TPage, TModel>(TModel model, int statusCode = StatusCodes.Status200OK)
        where TPage : IComponent => new(model, statusCode);
}
