using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>
/// Clients of our hub as apps hold them: QueryTags' .NET client (WebSockets, MessagePack), which reconnects by itself
/// with its cursor and spreads its reconnects after a server stop. Each holds one tag and records what it heard of it:
/// each invalidation live (its sequence), or covered by a <c>missed</c> answer (every sequence after the cursor it had
/// when its connection went, up to the answer's cursor); and when it was back.
/// </summary>
internal sealed class MovingClients : IAsyncDisposable
{
    private readonly List<MovingClient> _clients;

    private MovingClients(List<MovingClient> clients) => _clients = clients;

    public int Count => _clients.Count;

    /// <summary>Clients connected now.</summary>
    public int Connected => _clients.Count(client => client.Client.Connection.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected);

    /// <summary>Clients whose connection went because the server asked (its close message), not because it was cut.</summary>
    public int ToldToGo => _clients.Count(client => client.WentWithoutError);

    public int Resets => _clients.Count(client => client.WasReset);

    /// <summary>The reconnect attempts that failed, by what they met (an HTTP status, or the exception's type).</summary>
    public string FailedAttempts()
    {
        var failures = _clients.SelectMany(client => client.Policy.Failures).GroupBy(failure => failure).OrderByDescending(group => group.Count()).ToList();
        return failures.Count == 0 ? "none" : string.Join(", ", failures.Select(group => $"{group.Count():N0} {group.Key}"));
    }

    public static async Task<MovingClients> ConnectAsync(Uri hubUrl, int count, Tag tag, int concurrency = 50)
    {
        using var gate = new SemaphoreSlim(concurrency);
        var clients = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var client = new MovingClient(hubUrl);
                await client.Client.StartAsync();
                await client.Client.SubscribeAsync([tag]);
                return client;
            }
            finally
            {
                gate.Release();
            }
        }));
        return new MovingClients([.. clients]);
    }

    /// <summary>When each client that went was back (its connection up again), as a time after <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public IReadOnlyList<TimeSpan> BackAfter(long since) =>
        [.. _clients.Where(client => client.BackAt is not null).Select(client => Stopwatch.GetElapsedTime(since, client.BackAt!.Value)).Order()];

    /// <summary>Waits until every client that went is back and has subscribed again.</summary>
    public async Task WaitUntilBackAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (_clients.Any(client => !client.Resubscribed) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until every client heard <paramref name="sequence"/>, or the time is up.</summary>
    public async Task WaitUntilHeardAsync(long sequence, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (_clients.Any(client => !client.Heard(sequence)) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>The published invalidations some client neither heard nor was told it missed, counted once per client.</summary>
    public long Unheard(IReadOnlyList<long> published) => _clients.Sum(client => published.Count(sequence => !client.Heard(sequence)));

    public async ValueTask DisposeAsync()
    {
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(_clients.Select(async client =>
        {
            await gate.WaitAsync();
            try
            {
                await client.Client.DisposeAsync();
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private sealed class MovingClient
    {
        private readonly Lock _gate = new();
        private readonly HashSet<long> _live = [];
        private readonly List<(long After, long UpTo)> _covered = [];
        private long _cursorWhenAway = -1;

        public MovingClient(Uri hubUrl)
        {
            Client = TagInvalidationClient.Create(hubUrl, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.Protocol = TagInvalidationProtocol.MessagePack;
                options.ReconnectPolicy = Policy;
            });
            Client.Invalidated += (_, e) =>
            {
                lock (_gate)
                {
                    _live.Add(e.Message.Cursor!.Value.Sequence);
                }
            };
            Client.Missed += (_, e) =>
            {
                lock (_gate)
                {
                    _covered.Add((_cursorWhenAway, e.Cursor!.Value.Sequence));
                }

                Resubscribed = true;
            };
            Client.ResetRequired += (_, _) => WasReset = true;
            Client.Connection.Reconnecting += error =>
            {
                WentWithoutError |= error is null;
                Resubscribed = false;
                lock (_gate)
                {
                    _cursorWhenAway = Client.Cursor?.Sequence ?? -1;
                }

                return Task.CompletedTask;
            };
            Client.Connection.Reconnected += _ =>
            {
                BackAt = Stopwatch.GetTimestamp();
                return Task.CompletedTask;
            };
        }

        public TagInvalidationClient Client { get; }

        public RecordingForeverPolicy Policy { get; } = new();

        public bool WentWithoutError { get; private set; }

        public bool WasReset { get; private set; }

        public bool Resubscribed { get; private set; } = true;

        public long? BackAt { get; private set; }

        public bool Heard(long sequence)
        {
            lock (_gate)
            {
                return _live.Contains(sequence) || _covered.Exists(range => sequence > range.After && sequence <= range.UpTo);
            }
        }
    }

    /// <summary>The client's default delays (at once, then 1, 2, 5 s, then every 10 s), recording what each failed reconnect attempt met.</summary>
    private sealed class RecordingForeverPolicy : IRetryPolicy
    {
        private static readonly TimeSpan[] Delays = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

        public ConcurrentQueue<string> Failures { get; } = new();

        public TimeSpan? NextRetryDelay(RetryContext retryContext)
        {
            if (retryContext.PreviousRetryCount > 0 && retryContext.RetryReason is { } reason)
            {
                Failures.Enqueue(Describe(reason));
            }

            return retryContext.PreviousRetryCount < Delays.Length ? Delays[retryContext.PreviousRetryCount] : TimeSpan.FromSeconds(10);
        }

        private static string Describe(Exception reason) => reason switch
        {
            HttpRequestException { StatusCode: { } status } => ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
            AggregateException { InnerExceptions: [var inner] } => Describe(inner),
            _ when reason.InnerException is { } inner => $"{reason.GetType().Name}/{Describe(inner)}",
            _ => reason.GetType().Name,
        };
    }
}
