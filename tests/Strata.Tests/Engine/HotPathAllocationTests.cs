using Strata.Http;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Engine;

/// <summary>Garnet's habit: a hot path's "0 B" is a test, measured around the call, not only a benchmark line.</summary>
public sealed class HotPathAllocationTests
{
    private static long AllocatedBy(Action action, int times = 1_000)
    {
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < times; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public async Task A_global_read_and_its_response_bytes_allocate_nothing_once_cached()
    {
        await using var h = await EngineHarness.StartAsync(o => o.Define(new SettingDefinition { Namespace = "svc", Key = "port", Type = SettingType.Int, Default = 80 }));
        await h.SetAsync("svc", "port", 8080);
        await h.SetAsync("svc", "name", "api");
        var settings = new StrataSettings(h.Engine, Microsoft.Extensions.Logging.Abstractions.NullLogger<StrataSettings>.Instance);

        var bytes = AllocatedBy(() =>
        {
            _ = h.Engine.Get("svc", "port")!.Json(SettingJson.Render).Length;
            _ = h.Engine.Get("svc", "name")!.Json(SettingJson.Render).Length;
            _ = settings.GetValue<int>("svc", "port");
            _ = settings.GetValue<string>("svc", "name");
        });

        Assert.Equal(0, bytes);
    }

    [Fact]
    public void The_measure_sees_an_allocation() =>
        Assert.True(AllocatedBy(() => _ = new byte[16].Length, times: 10) > 0);
}
