using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Application;
using Strata.Engine;
using Strata.Http;
using Strata.Naming;
using Strata.Ui.Rendering;
using Strata.Validation;
using Strata.Watch;

namespace Strata.Ui.Settings;

/// <summary>
/// <c>/ns/{ns}</c>: a namespace's settings for a scope chain, edited in one form that is previewed
/// (<c>/preview</c>) and saved (<c>/save</c>) through the application layer; secrets shown through <c>/reveal</c>.
/// Form posts bind <c>[FromForm]</c>, so the framework's antiforgery middleware refuses one without its token.
/// </summary>
internal static class NamespacePageEndpoints
{
    public static void Map(IEndpointRouteBuilder ui)
    {
        ui.MapGet("/ns/{ns}", ShowAsync).Requires(Permission.Read);
        ui.MapPost("/ns/{ns}/preview", PreviewAsync).Requires(Permission.Write);
        ui.MapPost("/ns/{ns}/save", SaveAsync).Requires(Permission.Write);
        ui.MapPost("/ns/{ns}/reveal", RevealAsync).Requires(Permission.Read);
    }

    private static async Task<IResult> ShowAsync(string ns, HttpContext http, SettingsEngine engine)
    {
        if (Check(ns, http.Request.Query["scope"], engine) is { } problem) return problem;
        var chain = ScopeChain.TryParse(http.Request.Query["scope"], out _)!;
        var model = await NamespacePageBuilder.BuildAsync(engine, AccessControl.Principal(http), ns, chain,
            http.Request.Query["view"] == "advanced", ct: http.RequestAborted).ConfigureAwait(false);
        if (long.TryParse(http.Request.Query["saved"], NumberStyles.None, CultureInfo.InvariantCulture, out var saved))
            model = model with { Notice = $"Saved as revision {saved}." };
        return Page.Render<NamespacePage, NamespacePageModel>(model);
    }

    private static async Task<IResult> PreviewAsync(string ns, [FromForm] IFormCollection body, HttpContext http, SettingsEngine engine,
        PatchCommand patch, ConsumerRegistry consumers)
    {
        var form = SubmittedForm.Read(body);
        if (Check(ns, form.Chain, engine) is { } problem) return problem;
        var chain = ScopeChain.TryParse(form.Chain, out _)!;
        var plan = Plan(engine, ns, chain.Target, form);
        if (plan.Changes.Count > 0) plan.Add(patch.Validate(AccessControl.Caller(http), plan.Changes, form.Comment), ns);
        var conflicts = await ConflictsAsync(engine, ns, plan.Changes.Concat(Undecided(ns, chain.Target, form)), http.RequestAborted).ConfigureAwait(false);
        var watching = consumers.List().Where(c => c.Namespaces.Contains(ns, Names.Comparer))
            .Select(c => new PreviewConsumer(c.Application, c.Instance, c.Host, c.AppliedRevision)).ToList();
        var preview = new SettingsPreview([.. plan.Changes.Select(c => Describe(engine, ns, chain, c))], watching);
        var model = await RenderAsync(engine, http, ns, chain, form, plan, conflicts).ConfigureAwait(false);
        model = model with { Preview = preview, Notice = plan.Changes.Count == 0 && !model.HasErrors ? NothingToSave : null };
        return Page.Render<NamespacePage, NamespacePageModel>(model,
            model.HasErrors ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
    }

    private static async Task<IResult> SaveAsync(string ns, [FromForm] IFormCollection body, HttpContext http, SettingsEngine engine, PatchCommand patch)
    {
        var form = SubmittedForm.Read(body);
        if (Check(ns, form.Chain, engine) is { } problem) return problem;
        var chain = ScopeChain.TryParse(form.Chain, out _)!;
        var caller = AccessControl.Caller(http);
        var plan = Plan(engine, ns, chain.Target, form);
        if (plan.HasErrors || plan.Changes.Count == 0)
        {
            var undecided = await ConflictsAsync(engine, ns, Undecided(ns, chain.Target, form), http.RequestAborted).ConfigureAwait(false);
            return await RefusedAsync(engine, http, ns, chain, form, plan, undecided, plan.HasErrors ? null : NothingToSave).ConfigureAwait(false);
        }
        try
        {
            var result = await patch.RunAsync(caller, plan.Changes, form.Comment).ConfigureAwait(false);
            var query = $"?saved={result.Revision.ToString(CultureInfo.InvariantCulture)}"
                + (chain.IsGlobalOnly ? "" : "&scope=" + Uri.EscapeDataString(Query(chain))) + (form.Advanced ? "&view=advanced" : "");
            http.Response.Headers.Location = http.Request.PathBase + "/ns/" + Uri.EscapeDataString(ns) + query;
            return Results.StatusCode(StatusCodes.Status303SeeOther);
        }
        catch (SettingsValidationException e)
        {
            plan.Add(e.Errors, ns);
            return await RefusedAsync(engine, http, ns, chain, form, plan, []).ConfigureAwait(false);
        }
        catch (VersionConflictException)
        {
            var conflicts = await ConflictsAsync(engine, ns, plan.Changes, http.RequestAborted).ConfigureAwait(false);
            return await RefusedAsync(engine, http, ns, chain, form, plan, conflicts).ConfigureAwait(false);
        }
        catch (PermissionDeniedException e)
        {
            plan.General.Add(e.Message);
            return await RefusedAsync(engine, http, ns, chain, form, plan, []).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> RevealAsync(string ns, [FromForm] IFormCollection body, HttpContext http, SettingsEngine engine, RevealCommand reveal)
    {
        var chainText = body["scope"].ToString();
        if (Check(ns, chainText, engine) is { } problem) return problem;
        var chain = ScopeChain.TryParse(chainText, out _)!;
        var key = body["key"].ToString();
        var resolved = engine.Get(engine.Current, ns, key, chain);
        string? refusal = null, clear = null;
        if (resolved is null) refusal = $"'{key}' has no value to reveal.";
        else
        {
            try
            {
                await reveal.RunAsync(AccessControl.Caller(http), ns, [resolved]).ConfigureAwait(false);
                clear = resolved.Value.ValueKind == System.Text.Json.JsonValueKind.String ? resolved.Value.GetString() : resolved.Value.GetRawText();
            }
            catch (PermissionDeniedException e)
            {
                refusal = $"Nothing was revealed: {e.Message} Ask an administrator for secrets.reveal on '{ns}'.";
            }
            catch (UnreadableValueException e)
            {
                refusal = $"Nothing was revealed: {e.Message}";
            }
        }
        var model = await NamespacePageBuilder.BuildAsync(engine, AccessControl.Principal(http), ns, chain, body["view"] == "advanced",
            adjust: r => clear is not null && Names.Comparer.Equals(r.Key, key) ? r with { Revealed = clear } : r, ct: http.RequestAborted).ConfigureAwait(false);
        return Page.Render<NamespacePage, NamespacePageModel>(model with { Refusal = refusal },
            refusal is null ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden);
    }

    private const string NothingToSave = "Nothing to save: no field differs from the value it was shown with.";

    /// <summary>The page again with the user's fields, their errors and, after a lost race, the newer values.</summary>
    private static async Task<IResult> RefusedAsync(SettingsEngine engine, HttpContext http, string ns, ScopeChain chain, SubmittedForm form,
        EditPlan plan, Dictionary<string, SettingConflict> conflicts, string? notice = null)
    {
        var model = await RenderAsync(engine, http, ns, chain, form, plan, conflicts).ConfigureAwait(false);
        var status = conflicts.Count > 0 ? StatusCodes.Status409Conflict
            : plan.HasErrors ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK;
        return Page.Render<NamespacePage, NamespacePageModel>(model with { Notice = notice }, status);
    }

    private static async Task<NamespacePageModel> RenderAsync(SettingsEngine engine, HttpContext http, string ns, ScopeChain chain, SubmittedForm form,
        EditPlan plan, Dictionary<string, SettingConflict> conflicts)
    {
        var model = await NamespacePageBuilder.BuildAsync(engine, AccessControl.Principal(http), ns, chain, form.Advanced, form, row =>
        {
            if (plan.FieldErrors.TryGetValue(row.Key, out var errors)) row = row with { Errors = errors };
            if (conflicts.TryGetValue(row.Key, out var conflict))
            {
                // Rendered from the newer state now: "keep mine" then saves over that version, "take theirs" drops the edit.
                var fresh = row.Sensitive ? "" : FormValues.Text(row.Definition, row.Resolved?.Value);
                row = row with { Conflict = conflict, Version = conflict.Version, Original = fresh };
            }
            return row;
        }, http.RequestAborted).ConfigureAwait(false);
        return model with { GeneralErrors = plan.General, CommentErrors = plan.CommentErrors };
    }

    /// <summary>The changes a form asks for: each field that differs from what it was rendered with, and each reset.</summary>
    private static EditPlan Plan(SettingsEngine engine, string ns, string target, SubmittedForm form)
    {
        var plan = new EditPlan();
        foreach (var key in form.Keys.Concat(form.Resets.Where(k => !form.Values.ContainsKey(k))))
        {
            var definition = engine.Registry.Find(ns, key);
            long? expected = form.Versions.TryGetValue(key, out var version) ? version : null;
            var choice = form.Choices.GetValueOrDefault(key);
            if (form.Conflicted.Contains(key) && choice is not (SubmittedForm.Mine or SubmittedForm.Theirs))
            {
                plan.FieldError(key, "Someone changed this setting since you opened the page: choose to keep your value or take theirs.");
                continue;
            }
            if (choice == SubmittedForm.Theirs) continue;
            if (form.Resets.Contains(key))
            {
                plan.Changes.Add(new Change(ns, key, target, null, expected));
                continue;
            }
            var text = form.Values.GetValueOrDefault(key) ?? "";
            var changed = definition?.Sensitive == true ? text.Length > 0 : FormValues.Differs(definition, text, form.Originals.GetValueOrDefault(key) ?? "");
            if (!changed) continue;
            if (FormValues.Parse(definition, text, out var syntaxError) is { } value) plan.Changes.Add(new Change(ns, key, target, value, expected));
            else plan.FieldError(key, syntaxError!);
        }
        return plan;
    }

    /// <summary>
    /// Keys of a lost race the user has not chosen for yet, as changes expecting a version they cannot have: they stay
    /// shown as conflicts, with the newer value, until a choice is made.
    /// </summary>
    private static IEnumerable<Change> Undecided(string ns, string target, SubmittedForm form) =>
        form.Conflicted.Where(k => !form.Choices.ContainsKey(k)).Select(k => new Change(ns, k, target, null, -1));

    /// <summary>Keys whose override at the target scope moved past the version the form was rendered with.</summary>
    private static async Task<Dictionary<string, SettingConflict>> ConflictsAsync(SettingsEngine engine, string ns, IEnumerable<Change> changes, CancellationToken ct)
    {
        var conflicts = new Dictionary<string, SettingConflict>(Names.Comparer);
        var snapshot = engine.Current;
        foreach (var change in changes)
        {
            var current = snapshot.Find(ns, change.Key)?.At(change.Scope);
            if (change.ExpectedVersion is not { } expected || (current?.Version ?? 0) == expected) continue;
            var definition = engine.Registry.Find(ns, change.Key);
            var theirs = current is { IsLive: true } ? FormValues.Display(definition, current.Json) : "(override removed)";
            var by = current is null ? null : await NamespacePageBuilder.LastChangeAsync(engine, ns, change.Key, current.Scope, ct).ConfigureAwait(false);
            conflicts[change.Key] = new SettingConflict(theirs, current?.Version ?? 0, by);
        }
        return conflicts;
    }

    private static PreviewChange Describe(SettingsEngine engine, string ns, ScopeChain chain, Change change)
    {
        var definition = engine.Registry.Find(ns, change.Key);
        var old = FormValues.Display(definition, engine.Get(engine.Current, ns, change.Key, chain)?.Value);
        var @new = change.Value is { } value ? FormValues.Display(definition, value) : "(falls back to the layers below)";
        return new PreviewChange(definition?.Key ?? change.Key, change.Scope, old, @new, change.Value is null, definition?.Definition.RestartRequired == true);
    }

    /// <summary>A bad namespace name or scope chain is a problem document; so is a namespace that does not exist.</summary>
    private static IResult? Check(string ns, string? chain, SettingsEngine engine)
    {
        if (Names.Check(ns, "Namespace") is { } nameError) return Problems.BadRequest("namespace", "name", nameError);
        if (ScopeChain.TryParse(chain, out var scopeError) is null) return Problems.BadRequest("scope", "scope", scopeError!);
        return engine.NamespaceExists(engine.Current, ns) ? null : Problems.NotFound($"Namespace '{ns}' does not exist.");
    }

    private static string Query(ScopeChain chain) => string.Join(',', chain.Scopes.Where(s => s != Scope.Global));

    /// <summary>The changes a form asks for and what is wrong with it, by field.</summary>
    private sealed class EditPlan
    {
        public List<Change> Changes { get; } = [];
        public Dictionary<string, List<string>> FieldErrors { get; } = new(Names.Comparer);
        public List<string> General { get; } = [];
        public List<string> CommentErrors { get; } = [];
        public bool HasErrors => FieldErrors.Count > 0 || General.Count > 0 || CommentErrors.Count > 0;

        public void FieldError(string key, string message)
        {
            if (!FieldErrors.TryGetValue(key, out var list)) FieldErrors[key] = list = [];
            list.Add(message);
        }

        /// <summary>The server's errors, each by the field it names (<c>ns/key</c>, or the comment).</summary>
        public void Add(IReadOnlyList<ValidationError> errors, string ns)
        {
            foreach (var error in errors)
            {
                var slash = error.Field.IndexOf('/', StringComparison.Ordinal);
                if (error.Field == "comment") CommentErrors.Add(error.Message);
                else if (slash > 0 && Names.Comparer.Equals(error.Field[..slash], ns)) FieldError(error.Field[(slash + 1)..], error.Message);
                // A scope the definition does not allow names its key only in the message: 'ns/key' cannot be set for scope …
                else if (error.Field == "scope" && error.Message.StartsWith($"'{ns}/", StringComparison.OrdinalIgnoreCase)
                    && error.Message.IndexOf('\'', ns.Length + 2) is var end and > 0)
                    FieldError(error.Message[(ns.Length + 2)..end], error.Message);
                else General.Add(error.Message);
            }
        }
    }
}
