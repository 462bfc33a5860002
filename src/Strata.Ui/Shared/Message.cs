namespace Strata.Ui.Shared;

/// <summary>A page that only says something: a refusal, say.</summary>
internal sealed record Message(string Title, string Text);
