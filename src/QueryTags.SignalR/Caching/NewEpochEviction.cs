using Microsoft.Extensions.Hosting;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// At start, before anything else starts, evicts every server-cache entry known by query tags when the log is the
/// in-memory one: its epoch begins with the process, so every client that comes back gets a <c>reset</c>, and a
/// cache that outlived the process (a distributed one, behind <c>HybridCache</c> or the output cache) may hold
/// entries of changes that were never published. The Redis log's own epoch outlives nodes, and its package evicts
/// when that epoch is new.
/// </summary>
internal sealed class NewEpochEviction(InvalidationLog log, ServerCaches caches) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (log is not InMemoryInvalidationLog)
        {
            return;
        }

        try
        {
            await caches.EvictAllAsync("new epoch", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Logged as an error by the caches; a cache that is down at start must not keep the app from starting.
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
