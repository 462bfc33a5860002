using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Strata.Client;

namespace Strata.Tests.Client;

/// <summary>Records every reload of a configuration (the applied revision and one key's value at that moment) and
/// lets a test wait, with a timeout, for a revision to be applied.</summary>
internal sealed class ReloadRecorder : IDisposable
{
    private readonly IConfigurationRoot _configuration;
    private readonly string _key;
    private readonly IDisposable _registration;
    private readonly Lock _gate = new();
    private readonly List<(long Revision, string? Value)> _reloads = [];
    private readonly List<(long Revision, TaskCompletionSource Done)> _waiters = [];
    private long _applied;

    public ReloadRecorder(IConfigurationRoot configuration, string key)
    {
        _configuration = configuration;
        _key = key;
        _registration = ChangeToken.OnChange(configuration.GetReloadToken, OnReload);
        _applied = configuration.GetStrataStatus().Revision;
    }

    public IReadOnlyList<(long Revision, string? Value)> Reloads
    {
        get { lock (_gate) return [.. _reloads]; }
    }

    private void OnReload()
    {
        var revision = _configuration.GetStrataStatus().Revision;
        lock (_gate)
        {
            _reloads.Add((revision, _configuration[_key]));
            _applied = revision;
            foreach (var w in _waiters.Where(w => revision >= w.Revision).ToList())
            {
                w.Done.TrySetResult();
                _waiters.Remove(w);
            }
        }
    }

    /// <summary>Completes once the client has applied <paramref name="revision"/> (at once if it already has).</summary>
    public Task WaitForRevisionAsync(long revision, int seconds = 30)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            // What the reloads have shown, not the status: a waiter must see the reload of its revision recorded.
            if (_applied >= revision) return Task.CompletedTask;
            _waiters.Add((revision, done));
        }
        return done.Task.WaitAsync(TimeSpan.FromSeconds(seconds));
    }

    public void Dispose() => _registration.Dispose();
}
