namespace Strata.Tests.Browser;

/// <summary>The screen sizes the UI must work at: 1280×800, and a 375 px wide phone (375×812).</summary>
public enum Screen
{
    Desktop,
    Mobile,
}
