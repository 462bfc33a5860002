namespace Strata.Ui.Settings;

/// <summary>
/// A namespace's settings as the page shows them for one scope chain: merged values, grouped, with the form's state
/// after a preview, a refused save or a reveal.
/// </summary>
internal sealed record NamespacePageModel(
    string Namespace,
    string? Description,
    long Revision,
    string Chain,
    string Target,
    IReadOnlyList<string> ChainScopes,
    bool Advanced,
    int AdvancedCount,
    IReadOnlyList<string> ScopeSuggestions,
    IReadOnlyList<string> AllowedKinds,
    IReadOnlyList<SettingGroup> Groups,
    bool CanWrite)
{
    public string? Comment { get; init; }
    public string? Notice { get; init; }
    public string? Refusal { get; init; }
    public IReadOnlyList<string> GeneralErrors { get; init; } = [];
    public IReadOnlyList<string> CommentErrors { get; init; } = [];
    public SettingsPreview? Preview { get; init; }

    /// <summary>The chain as the scope field and links spell it: most specific first, <c>global</c> left out (empty for global only).</summary>
    public string ChainQuery => string.Join(',', ChainScopes.Where(s => s != Naming.Scope.Global));

    public bool HasErrors => GeneralErrors.Count > 0 || CommentErrors.Count > 0 || Groups.Any(g => g.Settings.Any(s => s.Errors.Count > 0));
    public bool HasConflicts => Groups.Any(g => g.Settings.Any(s => s.Conflict is not null));
}
