using System.Reflection;
using System.Reflection.Emit;

namespace Strata.Tests.Architecture;

/// <summary>
/// Dependencies point one way: HTTP surfaces → application → engine → storage. Read from the compiled IL (signatures
/// and method bodies), so a fully qualified call cannot slip past the way a look at <c>using</c> lines would let it.
/// </summary>
public sealed class DependencyDirectionTests
{
    private static readonly Assembly Core = typeof(StrataOptions).Assembly;

    // The HTTP surfaces: endpoint folders, and the request glue that lives beside each capability.
    private static bool IsHttpSurface(Type t) =>
        t.Namespace is "Strata.Http" or "Strata.ConfigStore" or "Strata.Transfer" or "Strata.Health" or "Strata.Watch"
        || t.Namespace?.StartsWith("Strata.Http.", StringComparison.Ordinal) == true
        || t.Namespace?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true
        || Outermost(t).Name is "AccessControl" or "AuditTrail" or "RequestLimits" or "SecurityHeadersFilter"
        || Outermost(t).Name.EndsWith("Endpoints", StringComparison.Ordinal);

    private static bool IsEngine(Type t) => t.Namespace is "Strata.Engine" or "Strata.Resolution";

    private static bool IsApplication(Type t) => t.Namespace == "Strata.Application";

    public static TheoryData<string> EngineAndBelow() => ["Strata.Engine", "Strata.Resolution", "Strata.Registry", "Strata.Validation", "Strata.Naming", "Strata.Storage", "Strata.Storage.Sqlite"];

    [Theory]
    [MemberData(nameof(EngineAndBelow))]
    public void Nothing_below_the_http_surfaces_refers_to_them(string ns)
    {
        var offences = References(ns).Where(r => IsHttpSurface(r.To)).Select(r => $"{r.From} → {r.To.FullName}").Distinct().ToList();

        Assert.True(offences.Count == 0, string.Join("\n", offences));
    }

    [Theory]
    [InlineData("Strata.Application")]
    [InlineData("Strata.Search")]
    public void The_application_does_not_refer_to_the_http_surfaces(string ns)
    {
        // The web UI and any other surface call the same commands and queries: none of them may need an HttpContext.
        // Search keeps its endpoint beside it (SearchEndpoints, itself a surface); the query it calls is checked.
        var offences = References(ns).Where(r => IsHttpSurface(r.To) && !r.From.StartsWith("Strata.Search.SearchEndpoints", StringComparison.Ordinal))
            .Select(r => $"{r.From} → {r.To.FullName}").Distinct().ToList();

        Assert.True(offences.Count == 0, string.Join("\n", offences));
    }

    [Theory]
    [MemberData(nameof(EngineAndBelow))]
    [InlineData("Strata.Yaml")]
    public void Nothing_below_the_application_refers_to_it(string ns)
    {
        var offences = References(ns).Where(r => IsApplication(r.To)).Select(r => $"{r.From} → {r.To.FullName}").Distinct().ToList();

        Assert.True(offences.Count == 0, string.Join("\n", offences));
    }

    [Fact]
    public void The_check_sees_the_http_surfaces_call_the_application()
    {
        // Without this, a renamed namespace would leave the two tests above checking for nothing.
        Assert.Contains(References("Strata.Http"), r => IsApplication(r.To));
        Assert.Contains(References("Strata.Application"), r => IsEngine(r.To));
    }

    [Theory]
    [InlineData("Strata.Storage")]
    [InlineData("Strata.Storage.Sqlite")]
    public void Storage_does_not_refer_to_the_engine(string ns)
    {
        var offences = References(ns).Where(r => IsEngine(r.To)).Select(r => $"{r.From} → {r.To.FullName}").Distinct().ToList();

        Assert.True(offences.Count == 0, string.Join("\n", offences));
    }

    [Fact]
    public void The_check_sees_a_call_made_inside_a_method_body()
    {
        // Storage's own SQL store calls into SQLite inside method bodies only: the reader must find that.
        Assert.Contains(References("Strata.Storage.Sqlite"), r => r.To.Namespace == "Microsoft.Data.Sqlite");
    }

    private static Type Outermost(Type t)
    {
        while (t.DeclaringType is { } outer) t = outer;
        return t;
    }

    private static IEnumerable<(string From, Type To)> References(string ns)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in Core.GetTypes().Where(t => t.Namespace == ns))
        {
            var from = type.FullName!;
            foreach (var used in new[] { type.BaseType }.Concat(type.GetInterfaces()).OfType<Type>()) yield return (from, used);
            foreach (var field in type.GetFields(all)) yield return (from, field.FieldType);
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is MethodInfo m) yield return (from, m.ReturnType);
                foreach (var p in method.GetParameters()) yield return (from, p.ParameterType);
                foreach (var used in BodyReferences(method)) yield return ($"{from}.{method.Name}", used);
            }
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types whose members or tokens a method body names.</summary>
    internal static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var op = OpCodesByValue[value];
            i += op.Size;
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, i);
                    Type? declaring = null;
                    try
                    {
                        declaring = module.ResolveMember(token, typeArgs, methodArgs) switch
                        {
                            Type t => t,
                            MemberInfo member => member.DeclaringType,
                            _ => null,
                        };
                    }
                    catch (ArgumentException) { }
                    if (declaring is not null) yield return declaring;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + BitConverter.ToInt32(il, i) * 4;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineNone:
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}
