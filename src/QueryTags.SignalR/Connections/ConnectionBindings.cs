using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The identity each hub connection of this node was negotiated by, by connection token (the <c>id</c> every later
/// request of the connection names), with the connection's requests in flight. A token is forgotten once no request
/// has used it for twice SignalR's <see cref="ConnectionOptions.DisconnectTimeout"/>: by then SignalR has dropped the
/// connection too (it drops one that no request used for that long), so the map holds only tokens that may still be
/// in use.
/// </summary>
internal sealed class ConnectionBindings(TimeProvider time, IOptions<ConnectionOptions> connectionOptions)
{
    private static readonly TimeSpan DefaultDisconnectTimeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, Binding> _bindings = new(StringComparer.Ordinal);
    private readonly TimeSpan _forgetAfter = 2 * (connectionOptions.Value.DisconnectTimeout ?? DefaultDisconnectTimeout);
    private long _lastSweep = time.GetTimestamp();

    /// <summary>Tokens held now.</summary>
    public int Count => _bindings.Count;

    /// <summary>Records that <paramref name="identity"/> negotiated the connection of <paramref name="token"/>.</summary>
    public void Bind(string token, ConnectionIdentity identity)
    {
        var now = time.GetTimestamp();
        _bindings[token] = new Binding(identity, now);
        SweepIfDue(now);
    }

    /// <summary>
    /// The binding of <paramref name="token"/>, with <paramref name="request"/> entered in flight, when
    /// <paramref name="identity"/> negotiated it and it was not closed; null otherwise, with
    /// <paramref name="otherIdentity"/> set when another identity negotiated it. Call <see cref="Exit"/> when the
    /// request ends.
    /// </summary>
    public Binding? Enter(string token, ConnectionIdentity identity, HttpContext request, out bool otherIdentity)
    {
        otherIdentity = false;
        if (!_bindings.TryGetValue(token, out var binding))
        {
            return null;
        }

        otherIdentity = binding.Identity != identity;
        return !otherIdentity && binding.TryEnter(request) ? binding : null;
    }

    public void Exit(Binding binding, HttpContext request) => binding.Exit(request, time.GetTimestamp());

    /// <summary>
    /// Ends the connection of <paramref name="token"/> for its client: later requests naming the token are refused,
    /// and those in flight (a pending poll, the event stream, the WebSocket) are reset, as a network failure would
    /// reset them, so the client reconnects. False when the token is unknown or was closed before.
    /// </summary>
    public bool Close(string token) => _bindings.TryGetValue(token, out var binding) && Close(binding);

    private static bool Close(Binding binding)
    {
        if (binding.Close() is not { } inFlight)
        {
            return false;
        }

        foreach (var request in inFlight)
        {
            request.Abort();
        }

        return true;
    }

    /// <summary>
    /// Closes every connection <paramref name="identity"/> negotiated on this node, as <see cref="Close(string)"/> does, those
    /// whose hub connection has not started yet included; how many were open.
    /// </summary>
    public int CloseAll(ConnectionIdentity identity)
    {
        var closed = 0;
        foreach (var binding in _bindings.Values)
        {
            if (binding.Identity == identity && Close(binding))
            {
                closed++;
            }
        }

        return closed;
    }

    // A sweep when the last is a window old, on a new binding (the only way the map grows): each binding is looked at
    // once a window, however many connections open.
    private void SweepIfDue(long now)
    {
        var last = Volatile.Read(ref _lastSweep);
        if (time.GetElapsedTime(last, now) < _forgetAfter || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (token, binding) in _bindings)
        {
            // A request that found the binding just before it goes still runs; SignalR no longer knows its connection.
            if (binding.IdleSince() is { } idle && time.GetElapsedTime(idle, now) >= _forgetAfter)
            {
                _bindings.TryRemove(new KeyValuePair<string, Binding>(token, binding));
            }
        }
    }

    /// <summary>A connection's identity, its requests in flight, and when the last one ended.</summary>
    internal sealed class Binding(ConnectionIdentity identity, long lastSeen)
    {
        private readonly Lock _gate = new();
        private readonly List<HttpContext> _inFlight = new(1);
        private long _lastSeen = lastSeen;
        private bool _closed;

        public ConnectionIdentity Identity { get; } = identity;

        public bool TryEnter(HttpContext request)
        {
            lock (_gate)
            {
                if (!_closed)
                {
                    _inFlight.Add(request);
                }

                return !_closed;
            }
        }

        public void Exit(HttpContext request, long now)
        {
            lock (_gate)
            {
                _inFlight.Remove(request);
                _lastSeen = now;
            }
        }

        /// <summary>Closes the binding: the requests in flight, or null when it was closed before.</summary>
        public HttpContext[]? Close()
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return null;
                }

                _closed = true;
                return [.. _inFlight];
            }
        }

        /// <summary>When its last request ended, when none is in flight.</summary>
        public long? IdleSince()
        {
            lock (_gate)
            {
                return _inFlight.Count == 0 ? _lastSeen : null;
            }
        }
    }
}
