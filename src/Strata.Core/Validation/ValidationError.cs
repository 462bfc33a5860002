namespace Strata.Validation;

/// <summary>One failed rule: which field, which rule, and a message that says how to fix it.</summary>
internal sealed record ValidationError(string Field, string Rule, string Message);
