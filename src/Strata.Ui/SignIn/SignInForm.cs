namespace Strata.Ui.SignIn;

/// <summary>The sign-in page: where to go after, the name typed so far, and why the last attempt failed.</summary>
internal sealed record SignInForm(string ReturnUrl, string? UserName = null, string? Failure = null, bool WithToken = false);
