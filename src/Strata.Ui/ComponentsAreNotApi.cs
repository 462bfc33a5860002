using System.Diagnostics.CodeAnalysis;

// Razor makes every component a public class with public parameters. They are the UI's own, not an API for hosts:
// only what lives in namespace Strata (MapStrataUi) is tracked in PublicAPI.*.txt. PublicSurfaceTests pins what
// the assembly exports.
[assembly: SuppressMessage("ApiDesign", "RS0016:Add public types and members to the declared API",
    Scope = "namespaceanddescendants", Target = "~N:Strata.Ui", Justification = "Razor components are public by construction.")]
[assembly: SuppressMessage("ApiDesign", "RS0041:Public members should not use oblivious types",
    Scope = "namespaceanddescendants", Target = "~N:Strata.Ui", Justification = "Razor's generated BuildRenderTree.")]
