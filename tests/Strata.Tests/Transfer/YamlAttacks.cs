using System.Text;

namespace Strata.Tests.Transfer;

/// <summary>YAML documents that cost a naive loader far more than their size, each with the limit that stops it.</summary>
public static class YamlAttacks
{
    /// <summary>200,000 levels of <c>[</c> (400 KB): the node model's recursion overflows the stack.</summary>
    public static string DeepFlow { get; } = "settings: " + new string('[', 200_000) + new string(']', 200_000) + "\n";

    /// <summary>200,000 levels of compact block sequences (<c>- - - x</c>, 400 KB).</summary>
    public static string DeepBlockSequence { get; } = "settings:\n" + string.Concat(Enumerable.Repeat("- ", 200_000)) + "x\n";

    /// <summary>Block mappings nested by indentation, as deep as fits in the 1 MiB body limit (1,400 levels).</summary>
    public static string DeepBlockMapping { get; } = BuildDeepBlockMapping(1_400);

    /// <summary>Seven levels of ten aliases each (under 500 bytes): 10^7 scalars once expanded.</summary>
    public static string BillionLaughs { get; } = BuildBillionLaughs();

    /// <summary>An anchor whose node holds an alias to itself.</summary>
    public static string SelfReference => "settings: &loop\n  app:\n    global:\n      k: *loop\n";

    /// <summary>One scalar of 900,000 characters, inside the body limit.</summary>
    public static string HugeScalar { get; } = "settings:\n  app:\n    global:\n      k: " + new string('x', 900_000) + "\n";

    private static string BuildDeepBlockMapping(int levels)
    {
        var text = new StringBuilder();
        for (var i = 0; i < levels; i++) text.Append(' ', i).Append("a:\n");
        return text.ToString();
    }

    private static string BuildBillionLaughs()
    {
        var text = new StringBuilder("settings:\n  app:\n    global:\n      a: &a [");
        text.AppendJoin(',', Enumerable.Repeat("lol", 10)).Append("]\n");
        for (var level = 'b'; level <= 'g'; level++)
            text.Append($"      {level}: &{level} [").AppendJoin(',', Enumerable.Repeat($"*{(char)(level - 1)}", 10)).Append("]\n");
        return text.ToString();
    }
}
