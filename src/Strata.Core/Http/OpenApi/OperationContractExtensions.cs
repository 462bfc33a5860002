using Microsoft.AspNetCore.Builder;

namespace Strata.Http.OpenApi;

/// <summary>Declares an endpoint's <see cref="OperationContract"/> next to its Map call.</summary>
internal static class OperationContractExtensions
{
    public const string Json = "application/json";

    /// <summary>Query parameters, by name (see <see cref="ApiParameters"/>).</summary>
    public static TBuilder Query<TBuilder>(this TBuilder builder, params string[] names) where TBuilder : IEndpointConventionBuilder =>
        builder.Contract(c => c.Query.AddRange(names));

    /// <summary>A JSON request body with the named schema (400, 413 and 415 follow); YAML too when <paramref name="yaml"/>.</summary>
    public static TBuilder Accepts<TBuilder>(this TBuilder builder, string schema, bool yaml = false) where TBuilder : IEndpointConventionBuilder =>
        builder.Contract(c =>
        {
            c.Body = schema;
            c.BodyYaml = yaml;
        });

    /// <summary>
    /// A successful answer: JSON with the named schema (null: no body), and the response headers it always carries
    /// (a name ending in <c>?</c>: only sometimes).
    /// </summary>
    public static TBuilder Answers<TBuilder>(this TBuilder builder, int status, string? schema, params string[] headers) where TBuilder : IEndpointConventionBuilder =>
        builder.Contract(c => c.Answers.Add(new ApiAnswer(status, schema, headers, schema is null ? [] : [Json])));

    /// <summary>A successful answer in several media types sharing one schema (export as JSON or YAML).</summary>
    public static TBuilder AnswersIn<TBuilder>(this TBuilder builder, int status, string schema, params string[] mediaTypes) where TBuilder : IEndpointConventionBuilder =>
        builder.Contract(c => c.Answers.Add(new ApiAnswer(status, schema, [], mediaTypes)));

    /// <summary>Error statuses this operation answers beyond the ones implied by its kind.</summary>
    public static TBuilder Fails<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder =>
        builder.Contract(c => c.Failures.UnionWith(statuses));

    public static TBuilder TakesIfMatch<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Contract(c => c.IfMatch = true);

    public static TBuilder TakesIfNoneMatch<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Contract(c => c.IfNoneMatch = true);

    public static TBuilder Decrypts<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Contract(c => c.Decrypts = true);

    // One contract per endpoint, created by the first declaration and completed by the others.
    private static TBuilder Contract<TBuilder>(this TBuilder builder, Action<OperationContract> declare) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var contract = endpoint.Metadata.OfType<OperationContract>().FirstOrDefault();
            if (contract is null) endpoint.Metadata.Add(contract = new OperationContract());
            declare(contract);
        });
        return builder;
    }
}
