using System.Diagnostics;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.LoadTest.Workload;

namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>
/// Invalidates at a steady rate inside the server process, so publish and receive times come from one clock.
/// Sends are not awaited one by one (a real server publishes from many requests at once), but at most
/// <see cref="MaxInFlight"/> are pending: a server that cannot keep up publishes less than asked, which the
/// report shows.
/// </summary>
internal sealed partial class PublishLoop(IBenchPublisher publisher, ILogger<PublishLoop> logger)
{
    public const int MaxInFlight = 256;

    public async Task<PublishReport> RunAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Rate);
        var tags = request.Tags.Select(Tag.Parse).ToArray();
        var total = (long)Math.Round(request.Rate * request.Seconds);
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        long issued = 0, published = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        while (issued < total && !cancellationToken.IsCancellationRequested)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * request.Rate) + 1);
            while (issued < due)
            {
                await inFlight.WaitAsync(CancellationToken.None);
                var tag = tags[issued++ % tags.Length];

                // On the thread pool, as invalidations from concurrent requests would be: the fan-out of one
                // does not wait for the fan-out of the previous one.
                _ = Task.Run(() => PublishOneAsync(tag), CancellationToken.None);
            }

            await Task.Delay(1, CancellationToken.None);
        }

        for (var i = 0; i < MaxInFlight; i++)
        {
            await inFlight.WaitAsync(CancellationToken.None);
        }

        return new PublishReport(Interlocked.Read(ref published), Interlocked.Read(ref failed), clock.Elapsed.TotalSeconds);

        async Task PublishOneAsync(Tag tag)
        {
            try
            {
                await publisher.PublishAsync(tag, PublishTimestamp.Format(PublishTimestamp.NowMicroseconds()));
                Interlocked.Increment(ref published);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref failed);
                LogPublishFailed(logger, ex);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "A benchmark invalidation failed.", EventName = "PublishFailed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
