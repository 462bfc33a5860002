namespace Strata.Access;

/// <summary>
/// The loop behind the batched write-backs of tokens' last-used and sessions' last-seen times: <c>flush</c> every
/// interval until <c>stopping</c> is cancelled (the owner flushes once more when it stops).
/// </summary>
internal static class PeriodicFlush
{
    public static Task Start(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> flush, CancellationToken stopping) =>
        Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval, time);
            try
            {
                while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
                    await flush(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { }
        });
}
