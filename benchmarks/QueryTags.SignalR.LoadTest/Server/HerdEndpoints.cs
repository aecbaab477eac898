using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>
/// The herd scenario's endpoints on our hub's server: <c>POST /bench/herd/reset</c> resets every connection of the node
/// (what a restart with the in-memory log or a lost Redis does) and starts the clock; <c>GET /bench/herd/data</c> is the
/// app's data endpoint the clients' queries fetch, counted; <c>GET /bench/herd/refetches</c> answers when each request
/// since the reset arrived and ended, in ms after the reset.
/// </summary>
/// <remarks>
/// The data endpoint stands for a database: at most <see cref="DatabaseConnections"/> requests are served at once and
/// each takes <see cref="QueryTime"/>, so a herd queues, as it does on a real database's connection pool.
/// </remarks>
internal static class HerdEndpoints
{
    public const int DatabaseConnections = 32;

    public static readonly TimeSpan QueryTime = TimeSpan.FromMilliseconds(5);

    public static void MapHerdEndpoints(this IEndpointRouteBuilder app)
    {
        var requests = new ConcurrentQueue<(double Arrived, double Ended)>();
        var database = new SemaphoreSlim(DatabaseConnections);
        var resetAt = Stopwatch.GetTimestamp();
        double Since() => Stopwatch.GetElapsedTime(resetAt).TotalMilliseconds;

        app.MapPost("/bench/herd/reset", async (ILocalClientReset reset, CancellationToken aborted) =>
        {
            requests.Clear();
            resetAt = Stopwatch.GetTimestamp();
            return new { connections = await reset.ResetAllAsync("bench-herd", aborted) };
        });
        app.MapGet("/bench/herd/data", async () =>
        {
            var arrived = Since();
            await database.WaitAsync();
            try
            {
                await Task.Delay(QueryTime);
            }
            finally
            {
                database.Release();
            }

            requests.Enqueue((arrived, Since()));
            return new { todos = Array.Empty<string>() };
        });
        app.MapGet("/bench/herd/refetches", () => requests.Select(request => new[] { request.Arrived, request.Ended }).ToArray());
    }
}
