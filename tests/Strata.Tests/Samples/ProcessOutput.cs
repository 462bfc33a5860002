namespace Strata.Tests.Samples;

/// <summary>The lines a child process writes, in order, with waits for a line that matches.</summary>
internal sealed class ProcessOutput
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<int> Found)> _waiters = [];

    public IReadOnlyList<string> Lines
    {
        get { lock (_gate) return [.. _lines]; }
    }

    public string Text => string.Join('\n', Lines);

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            var index = _lines.Count - 1;
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(index);
            }
        }
    }

    /// <summary>The index of the first line that matches (one already written counts), within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var index = _lines.FindIndex(l => match(l));
            if (index >= 0) return index;
            _waiters.Add((match, found));
        }
        try
        {
            return await found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching line within {timeout}. The output:\n{Text}");
        }
    }
}
