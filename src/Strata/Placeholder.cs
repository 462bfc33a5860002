namespace Strata; internal static class Placeholder {}
