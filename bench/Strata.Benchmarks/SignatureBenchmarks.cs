using System.Text;
using BenchmarkDotNet.Attributes;
using NSec.Cryptography;
using Strata.Client.Internal;

namespace Strata.Benchmarks;

/// <summary>The client's check of one signed watch event (seed 004's budget: ≤ 1 ms), on a typical and a large event.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private SignatureVerifier _verifier = null!;
    private byte[] _change = null!;
    private byte[] _largeChange = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        _verifier = SignatureVerifier.FromBase64(Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
        _change = Sign(key, """{"revision":43,"at":"2026-12-02T09:00:01.000Z","actor":"token:deployer","changes":[{"namespace":"checkout","key":"max_items","scope":"global","version":4,"value":60,"source":"override"}]""");
        var entries = string.Join(',', Enumerable.Range(0, 100).Select(i =>
            $$$"""{"namespace":"checkout","key":"key_{{{i}}}","scope":"global","version":{{{i}}},"value":{"limits":{"rps":{{{i}}},"hosts":["a","b","c"]}},"source":"override"}"""));
        _largeChange = Sign(key, $$"""{"revision":44,"at":"2026-12-02T09:00:02.000Z","actor":"token:deployer","changes":[{{entries}}]""");
    }

    private static byte[] Sign(Key key, string members)
    {
        var signed = Encoding.UTF8.GetBytes(members);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, signed);
        return [.. signed, .. Encoding.UTF8.GetBytes(",\"signature\":\"" + Convert.ToBase64String(signature) + "\"}")];
    }

    [Benchmark(Baseline = true)]
    public bool VerifyChangeEvent() => _verifier.Verify(_change);

    [Benchmark]
    public bool VerifyHundredKeyChangeEvent() => _verifier.Verify(_largeChange);
}
