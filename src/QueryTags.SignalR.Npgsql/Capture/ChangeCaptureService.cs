using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Npgsql.Replication;
using QueryTags.SignalR.Npgsql.Mapping;

namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>
/// Reads the slot on one node at a time and publishes what it reads. Every node runs it: the one whose replication
/// connection holds the slot reads (PostgreSQL lets one connection read a slot at a time); the others try again every
/// <see cref="PostgresChangeCaptureOptions.RetryInterval"/>, so one takes over within that time of the reader's death
/// (its connection closes with its process). While they wait, they watch the generation, and reset their own clients
/// when changes were lost.
/// </summary>
/// <remarks>
/// Start refuses a server or a user that cannot capture (the host stops with what to set); later failures are retried.
/// </remarks>
internal sealed class ChangeCaptureService(
    IServiceProvider services,
    IOptions<PostgresChangeCaptureOptions> options,
    ITagInvalidator invalidator,
    ILocalClientReset reset,
    ChangeCaptureMetrics metrics,
    ChangeCaptureStatus status,
    ILogger<ChangeCaptureService> logger) : IHostedService
{
    private const string ObjectInUse = "55006";

    private readonly PostgresChangeCaptureOptions _options = options.Value;
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private readonly CancellationTokenSource _stopping = new();
    private ReplicationSetup? _setup;
    private string? _generation;
    private Task? _running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var tables = new Dictionary<TableName, Func<CapturedRow, IEnumerable<Tag>>>(_options.Tables);
        foreach (var contextType in _options.Contexts)
        {
            using var scope = services.CreateScope();
            ModelTables.AddTo(((DbContext)scope.ServiceProvider.GetRequiredService(contextType)).Model, tables);
        }

        _setup = new ReplicationSetup(_options, tables.Keys);
        await _setup.PrepareAsync(cancellationToken);
        string systemId;
        await using (var replication = new LogicalReplicationConnection(_options.ConnectionString))
        {
            await replication.Open(cancellationToken);
            systemId = (await replication.IdentifySystem(cancellationToken)).SystemId;
        }

        _generation = await _setup.GenerationAsync(cancellationToken);
        var stream = new ChangeStream(_options, tables, systemId, invalidator, metrics, _time, logger, ChangesLostAsync);
        _running = Task.Run(() => RunAsync(stream, _stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(cancellationToken);
        }
    }

    private async Task RunAsync(ChangeStream stream, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await _setup!.EnsureSlotAsync(stopping) is { } generation)
                {
                    await ResetAsync("capture-slot-lost", generation, stopping);
                }

                await WatchGenerationAsync(stopping);
                status.Reading(_options.SlotName);
                await stream.ReadAsync(() => ChangeCaptureLog.Consuming(logger, _options.SlotName, _options.PublicationName), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == ObjectInUse)
            {
                status.StandingBy(_options.SlotName);
                ChangeCaptureLog.StandingBy(logger, _options.SlotName);
            }
            catch (Exception exception)
            {
                status.Failed(_options.SlotName, exception);
                ChangeCaptureLog.StreamFailed(logger, _options.SlotName, _options.RetryInterval, exception);
            }

            try
            {
                await Task.Delay(_options.RetryInterval, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // Changes were lost or cannot be named: every node's clients refetch everything. This node resets its own now; the
    // new generation tells the others. A reset that fails throws: the stream is read again, and the reset tried again.
    private async Task ChangesLostAsync(string reason, CancellationToken cancellationToken) =>
        await ResetAsync(reason, await _setup!.NewGenerationAsync(cancellationToken), cancellationToken);

    private async Task ResetAsync(string reason, string generation, CancellationToken cancellationToken)
    {
        ChangeCaptureLog.ChangesLost(logger, reason);
        metrics.Reset(reason);
        await reset.ResetAllAsync(reason, cancellationToken);

        // Only once the reset went out: a failed one leaves the generation unseen, and the next try resets again.
        _generation = generation;
    }

    private async Task WatchGenerationAsync(CancellationToken cancellationToken)
    {
        var generation = await _setup!.GenerationAsync(cancellationToken);
        if (_generation is not null && generation is not null && generation != _generation)
        {
            ChangeCaptureLog.ChangesLost(logger, "capture-slot-lost on another node");
            await reset.ResetAllAsync("capture-slot-lost", cancellationToken);
        }

        _generation = generation;
    }
}
