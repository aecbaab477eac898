using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.CommitLatency;

/// <summary>
/// One measurement: a server on 127.0.0.1 with the path under test on its own database, one holder of every slot's
/// tag, and writers committing one row per transaction at the offered rate. The latency of a transaction runs from
/// the moment its save returned from the commit to the moment the holder's client raised its invalidation.
/// </summary>
internal static class LatencyRun
{
    // 64 slots fit one connection's group budget; a slot's transactions are 64 apart, so they commit in order.
    private const int Slots = 64;
    private const int Writers = 32;
    private static readonly TimeSpan Straggling = TimeSpan.FromSeconds(10);

    public static async Task<LatencyResult> RunAsync(PostgresServer postgres, CommitPath path, int rate, TimeSpan duration)
    {
        var database = $"bench_{path.Name}_{rate}";
        var connectionString = await CreateDatabaseAsync(postgres, database);
        var ledger = new LatencyLedger(Slots);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var tagInvalidation = builder.Services.AddTagInvalidation();
        tagInvalidation.AddSignalR();
        path.Register(tagInvalidation, connectionString, database);
        builder.Services.AddSingleton(ledger).AddSingleton<CommitClock>();
        builder.Services.AddDbContext<BenchDbContext>((services, options) =>
            options.UseNpgsql(connectionString).AddInterceptors(services.GetRequiredService<CommitClock>()).UseTagInvalidation(services));
        await using var app = builder.Build();
        app.MapTagInvalidation();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BenchDbContext>().Database.EnsureCreatedAsync();
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var slotOf = Enumerable.Range(0, Slots).ToDictionary(slot => new Tag("bench", slot), slot => slot);
        await using var holder = TagInvalidationClient.Create(new Uri($"{address}{TagInvalidationEndpointRouteBuilderExtensions.DefaultPath}"));
        holder.Invalidated += (_, invalidated) =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var tag in invalidated.MatchedTags)
            {
                ledger.Receive(slotOf[tag], now);
            }
        };
        await holder.StartAsync();
        await holder.SubscribeAsync(slotOf.Keys);

        var elapsed = await WriteAsync(app.Services, rate, duration);
        var straggling = Stopwatch.StartNew();
        while (ledger.Received < ledger.Committed && straggling.Elapsed < Straggling)
        {
            await Task.Delay(20);
        }

        await app.StopAsync();
        // The runs share one server (100 connections at most): this run's idle pooled connections are closed.
        NpgsqlConnection.ClearAllPools();
        var latencies = ledger.Latencies(warmUp: rate);
        return new LatencyResult(
            path.Name, rate, ledger.Committed / elapsed.TotalSeconds, ledger.Committed, ledger.Received,
            LatencyResult.Percentile(latencies, 0.50), LatencyResult.Percentile(latencies, 0.99), latencies.LastOrDefault());
    }

    // Offers one transaction every 1/rate s, each on its own context, at most Writers at once; returns how long
    // the transactions took to commit, all of them, so the committed rate says whether the offered one was kept.
    private static async Task<TimeSpan> WriteAsync(IServiceProvider services, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        using var writers = new SemaphoreSlim(Writers);
        var writes = new List<Task>(total);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var wait = TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            await writers.WaitAsync();
            writes.Add(CommitOneAsync(services, i % Slots, writers));
        }

        await Task.WhenAll(writes);
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task CommitOneAsync(IServiceProvider services, int slot, SemaphoreSlim writers)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BenchDbContext>();
            db.Rows.Add(new BenchRow { Slot = slot });
            await db.SaveChangesAsync();
        }
        finally
        {
            writers.Release();
        }
    }

    private static async Task<string> CreateDatabaseAsync(PostgresServer postgres, string database)
    {
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE); CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = database, MaxPoolSize = Writers + 8 }.ConnectionString;
    }
}
