using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// Starts a hub connection and, when that fails, tries again as a retry policy says. SignalR's automatic
/// reconnect only covers a connection that was up once; without this a client started before its server (a
/// deploy, services booting together) would fail at once. A failure retrying cannot fix (404, 401, 403, a protocol
/// the server lacks) ends the start at once. It warns once per outage, not once per try.
/// </summary>
internal static class ConnectionStarter
{
    /// <summary>
    /// Returns once the connection is up, or at once when it is not disconnected (it was started elsewhere). The waits
    /// between attempts follow <c>time</c>'s clock: the system's unless a test fakes it. <c>onUnreachable</c> is called
    /// once per start, with the last error, when its first <see cref="ConnectionFailures.UnreachableAfter"/> tries failed;
    /// the start keeps trying.
    /// </summary>
    /// <exception cref="TagInvalidationConnectionException">
    /// A failure retrying cannot fix, or the policy gave up (the last attempt's error inside).
    /// </exception>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was cancelled before the connection was up; it is left disconnected.
    /// </exception>
    public static async Task StartAsync(HubConnection connection, IRetryPolicy policy, ILogger logger, Uri? hubUrl, CancellationToken cancellationToken, TimeProvider? time = null, Action<Exception>? onUnreachable = null)
    {
        var began = Stopwatch.GetTimestamp();
        for (var failures = 0; connection.State == HubConnectionState.Disconnected; failures++)
        {
            try
            {
                await connection.StartAsync(cancellationToken);
                return;
            }
            catch (Exception ex)
            {
                // A refused connection can race the cancellation: the caller asked to stop, so that is the answer.
                cancellationToken.ThrowIfCancellationRequested();
                if (ConnectionFailures.Classify(ex, hubUrl) is { } permanent)
                {
                    throw permanent;
                }

                var delay = policy.NextRetryDelay(new RetryContext
                {
                    PreviousRetryCount = failures,
                    ElapsedTime = Stopwatch.GetElapsedTime(began),
                    RetryReason = ex,
                });
                if (delay is not { } wait)
                {
                    throw ConnectionFailures.Classify(ex, hubUrl, gaveUp: true)!;
                }

                TagInvalidationClientLog.StartFailed(logger, failures == 0 ? LogLevel.Warning : LogLevel.Debug, failures + 1, wait, ConnectionFailures.Unreachable(ex, hubUrl) is { } unreachable ? " " + char.ToUpperInvariant(unreachable[0]) + unreachable[1..] : "", ex);
                if (failures + 1 == ConnectionFailures.UnreachableAfter)
                {
                    onUnreachable?.Invoke(ex);
                }

                await Task.Delay(wait, time ?? TimeProvider.System, cancellationToken);
            }
        }
    }
}
