using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace QueryTags.SignalR.Client;

/// <summary>
/// A .NET client of the invalidation hub. It counts subscribers per tag (the server hears of a tag when its
/// first subscriber arrives and its last leaves), raises <see cref="Invalidated"/> once per invalidation for
/// the held tags it matches, and after a reconnect subscribes again with its cursor, raising
/// <see cref="Missed"/> or <see cref="ResetRequired"/> for what happened while it was away.
/// </summary>
public sealed partial class TagInvalidationClient : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Tag Tag, int Count)> _held = new(StringComparer.Ordinal);
    private readonly TimeSpan _firstSubscribeMargin;

    // When the first tag was asked for: a first subscribe (no cursor yet) asks about everything since then.
    private long? _firstRequestTimestamp;
    private readonly RecentInvalidationIds _recentIds = new();

    // Keeps hub calls in the order they were asked for (a subscribe then an unsubscribe of the same tag).
    private readonly SemaphoreSlim _calls = new(1, 1);
    private readonly int _maxTagsPerCall;
    private readonly bool _ownsConnection;
    private readonly ILogger _logger;
    private readonly IDisposable[] _handlers;
    private InvalidationCursor? _cursor;

    /// <summary>Adopts a connection built elsewhere; configure its automatic reconnect yourself.</summary>
    /// <param name="connection">The hub connection; it may be started or not.</param>
    /// <param name="maxTagsPerCall">Most tags per hub call; match the server's limit.</param>
    /// <param name="logger">Where failures of event handlers go.</param>
    public TagInvalidationClient(HubConnection connection, int maxTagsPerCall = 256, ILogger? logger = null)
        : this(connection, maxTagsPerCall, logger ?? NullLogger.Instance, ownsConnection: false, TagInvalidationClientOptions.DefaultFirstSubscribeMargin)
    {
    }

    private TagInvalidationClient(HubConnection connection, int maxTagsPerCall, ILogger logger, bool ownsConnection, TimeSpan firstSubscribeMargin)
    {
        _firstSubscribeMargin = firstSubscribeMargin;
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTagsPerCall, 1);
        Connection = connection;
        _maxTagsPerCall = maxTagsPerCall;
        _logger = logger;
        _ownsConnection = ownsConnection;
        _handlers =
        [
            connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, OnInvalidate),
            connection.On<ResetMessage>(InvalidationHubMethods.Reset, OnReset),
        ];
        connection.Reconnected += OnReconnectedAsync;
    }

    /// <summary>Tags were invalidated that match held tags. Raised once per invalidation id.</summary>
    public event EventHandler<TagsInvalidatedEventArgs>? Invalidated;

    /// <summary>Held tags were invalidated while the client was away or its subscribe was in flight.</summary>
    public event EventHandler<MissedInvalidationsEventArgs>? Missed;

    /// <summary>The server cannot tell what was missed: refetch every tagged query.</summary>
    public event EventHandler<ResetRequiredEventArgs>? ResetRequired;

    /// <summary>The underlying SignalR connection.</summary>
    public HubConnection Connection { get; }

    /// <summary>The latest cursor seen, or null before the first subscribe.</summary>
    public InvalidationCursor? Cursor
    {
        get
        {
            lock (_gate)
            {
                return _cursor;
            }
        }
    }

    /// <summary>The tags with at least one subscriber.</summary>
    public IReadOnlyList<Tag> HeldTags
    {
        get
        {
            lock (_gate)
            {
                return _held.Values.Select(entry => entry.Tag).ToArray();
            }
        }
    }

    /// <summary>Builds a client with its own connection to <paramref name="hubUrl"/>.</summary>
    /// <param name="hubUrl">The hub's URL, such as <c>https://host/hubs/invalidation</c>.</param>
    /// <param name="configure">Transports, protocol, token, reconnect policy.</param>
    /// <returns>A client that is not started yet.</returns>
    public static TagInvalidationClient Create(Uri hubUrl, Action<TagInvalidationClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var options = new TagInvalidationClientOptions();
        configure?.Invoke(options);
        var builder = new HubConnectionBuilder()
            .WithUrl(hubUrl, options.Transports, http =>
            {
                http.AccessTokenProvider = options.AccessTokenProvider;
                options.ConfigureHttpConnection?.Invoke(http);
            })
            .WithAutomaticReconnect(options.ReconnectPolicy);
        if (options.Protocol == TagInvalidationProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        if (options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        var logger = options.LoggerFactory?.CreateLogger<TagInvalidationClient>() ?? (ILogger)NullLogger.Instance;
        return new TagInvalidationClient(builder.Build(), options.MaxTagsPerCall, logger, ownsConnection: true, options.FirstSubscribeMargin);
    }

    /// <summary>Starts the connection (when it is not started) and subscribes every held tag.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Connection.State == HubConnectionState.Disconnected)
        {
            await Connection.StartAsync(cancellationToken);
        }

        await SubscribeHeldAsync(cancellationToken);
    }

    /// <summary>Stops the connection. Held tags are kept and subscribed again by the next start.</summary>
    /// <param name="cancellationToken">Cancels the stop.</param>
    public Task StopAsync(CancellationToken cancellationToken = default) => Connection.StopAsync(cancellationToken);

    /// <summary>
    /// Adds a subscriber to each tag. Tags that get their first subscriber are sent to the server at once when
    /// connected, or on the next start or reconnect otherwise.
    /// </summary>
    /// <param name="tags">The tags.</param>
    /// <param name="cancellationToken">Cancels the hub call (the subscribers stay counted).</param>
    /// <returns>The server's answer for the tags sent now, or null when none were sent.</returns>
    public async Task<SubscribeResult?> SubscribeAsync(IEnumerable<Tag> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var first = new List<Tag>();
        lock (_gate)
        {
            _firstRequestTimestamp ??= Stopwatch.GetTimestamp();
            foreach (var tag in tags)
            {
                ThrowIfDefault(tag);
                _held.TryGetValue(tag.Canonical, out var entry);
                _held[tag.Canonical] = (tag, entry.Count + 1);
                if (entry.Count == 0)
                {
                    first.Add(tag);
                }
            }
        }

        if (first.Count == 0 || Connection.State != HubConnectionState.Connected)
        {
            return null;
        }

        await _calls.WaitAsync(cancellationToken);
        try
        {
            return await SendSubscribeAsync(first, cancellationToken);
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <summary>Removes a subscriber from each tag; tags left with none are released on the server.</summary>
    /// <param name="tags">The tags.</param>
    /// <param name="cancellationToken">Cancels the hub call.</param>
    public async Task UnsubscribeAsync(IEnumerable<Tag> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var last = new List<Tag>();
        lock (_gate)
        {
            foreach (var tag in tags)
            {
                ThrowIfDefault(tag);
                if (!_held.TryGetValue(tag.Canonical, out var entry))
                {
                    continue;
                }

                if (entry.Count <= 1)
                {
                    _held.Remove(tag.Canonical);
                    last.Add(tag);
                }
                else
                {
                    _held[tag.Canonical] = (entry.Tag, entry.Count - 1);
                }
            }
        }

        if (last.Count == 0 || Connection.State != HubConnectionState.Connected)
        {
            return;
        }

        await _calls.WaitAsync(cancellationToken);
        try
        {
            foreach (var chunk in last.Chunk(_maxTagsPerCall))
            {
                await Connection.InvokeAsync(InvalidationHubMethods.Unsubscribe, chunk, cancellationToken);
            }
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Connection.Reconnected -= OnReconnectedAsync;
        foreach (var handler in _handlers)
        {
            handler.Dispose();
        }

        if (_ownsConnection)
        {
            await Connection.DisposeAsync();
        }

        _calls.Dispose();
    }

    private async Task OnReconnectedAsync(string? connectionId)
    {
        try
        {
            await SubscribeHeldAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The connection drops again or the server refuses: the next reconnect tries again.
            LogResubscribeFailed(_logger, ex);
        }
    }

    private async Task SubscribeHeldAsync(CancellationToken cancellationToken)
    {
        await _calls.WaitAsync(cancellationToken);
        try
        {
            List<Tag> held;
            lock (_gate)
            {
                held = _held.Values.Select(entry => entry.Tag).ToList();
            }

            await SendSubscribeAsync(held, cancellationToken);
        }
        finally
        {
            _calls.Release();
        }
    }

    private async Task<SubscribeResult> SendSubscribeAsync(List<Tag> tags, CancellationToken cancellationToken)
    {
        var missed = new List<Tag>();
        var rejected = new List<TagRejection>();
        var reset = false;
        string? since;
        lock (_gate)
        {
            // Without a cursor yet, ask for what was invalidated since the first tag was asked for (plus a margin
            // for the trip): data fetched before the first subscribe could otherwise miss a change silently.
            since = _cursor?.ToString()
                ?? (_firstRequestTimestamp is { } firstRequest
                    ? InvalidationCursor.ForAge(Stopwatch.GetElapsedTime(firstRequest) + _firstSubscribeMargin)
                    : null);
        }

        var answer = new SubscribeResult();
        var offset = 0;
        foreach (var chunk in tags.Chunk(_maxTagsPerCall))
        {
            // Every chunk asks from the same cursor: the first chunk's answer must not hide the others' misses.
            var result = await Connection.InvokeAsync<SubscribeResult>(InvalidationHubMethods.Subscribe, chunk, since, cancellationToken);
            missed.AddRange(result.Missed);
            reset |= result.Reset;
            rejected.AddRange(result.Rejected.Select(rejection => new TagRejection
            {
                Index = rejection.Index + offset,
                Tag = rejection.Tag,
                Rule = rejection.Rule,
                Reason = rejection.Reason,
            }));
            AdvanceCursor(result.Cursor);
            answer.Cursor = result.Cursor;
            offset += chunk.Length;
        }

        if (rejected.Count > 0)
        {
            // A refused tag will never be delivered; forgetting it keeps reconnects from sending it again.
            lock (_gate)
            {
                foreach (var rejection in rejected)
                {
                    _held.Remove(tags[rejection.Index].Canonical);
                }
            }
        }

        answer.Reset = reset;
        answer.Missed = missed;
        answer.Rejected = rejected;
        if (reset)
        {
            Raise(ResetRequired, new ResetRequiredEventArgs("cursor-unknown", Cursor));
        }
        else if (missed.Count > 0)
        {
            Raise(Missed, new MissedInvalidationsEventArgs(missed, Cursor));
        }

        return answer;
    }

    private void OnInvalidate(InvalidationMessage message)
    {
        List<Tag> matched = [];
        lock (_gate)
        {
            if (!_recentIds.TryAdd(message.Id))
            {
                return;
            }

            AdvanceCursorLocked(message.Cursor);
            foreach (var (tag, _) in _held.Values)
            {
                if (message.Tags.Any(invalidated => invalidated.Matches(tag)))
                {
                    matched.Add(tag);
                }
            }
        }

        if (matched.Count > 0)
        {
            Raise(Invalidated, new TagsInvalidatedEventArgs(message, matched));
        }
    }

    private void OnReset(ResetMessage message)
    {
        AdvanceCursor(message.Cursor);
        Raise(ResetRequired, new ResetRequiredEventArgs(message.Reason, Cursor));
    }

    private void AdvanceCursor(InvalidationCursor? cursor)
    {
        lock (_gate)
        {
            AdvanceCursorLocked(cursor);
        }
    }

    private void AdvanceCursorLocked(InvalidationCursor? cursor)
    {
        if (cursor is { } parsed)
        {
            _cursor = InvalidationCursor.Latest(_cursor, parsed);
        }
    }

    private void Raise<T>(EventHandler<T>? handlers, T args)
    {
        if (handlers is null)
        {
            return;
        }

        // One failing handler must not keep the others from hearing of the invalidation.
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<T>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex)
            {
                LogHandlerFailed(_logger, typeof(T).Name, ex);
            }
        }
    }

    private static void ThrowIfDefault(Tag tag)
    {
        if (tag.Count == 0)
        {
            throw new ArgumentException("An empty (default) tag cannot be subscribed: a tag needs at least one segment.", "tags");
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Subscribing the held tags again after a reconnect failed.", EventName = "ResubscribeFailed")]
    private static partial void LogResubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "A handler of {Event} threw.", EventName = "HandlerFailed")]
    private static partial void LogHandlerFailed(ILogger logger, string @event, Exception exception);
}
