using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Features;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Tests.Infrastructure;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class ConnectionBindingsTests
{
    private static readonly ConnectionIdentity Alice = new("Cookies", "LOCAL AUTHORITY", "sub", "alice");
    private static readonly ConnectionIdentity Bob = Alice with { Value = "bob" };

    private readonly ManualTimeProvider _time = new();
    private readonly ConnectionBindings _bindings;

    public ConnectionBindingsTests() =>
        _bindings = new ConnectionBindings(_time, Microsoft.Extensions.Options.Options.Create(new ConnectionOptions { DisconnectTimeout = TimeSpan.FromSeconds(15) }));

    [Fact]
    public void A_token_lets_in_the_identity_that_negotiated_it_alone()
    {
        _bindings.Bind("token", Alice);

        Assert.NotNull(_bindings.Enter("token", Alice, new DefaultHttpContext(), out var other));
        Assert.False(other);
        Assert.Null(_bindings.Enter("token", Bob, new DefaultHttpContext(), out other));
        Assert.True(other);
        Assert.Null(_bindings.Enter("token", ConnectionIdentity.Anonymous, new DefaultHttpContext(), out other));
        Assert.True(other);
        Assert.Null(_bindings.Enter("unknown", Alice, new DefaultHttpContext(), out other));
        Assert.False(other);
    }

    [Fact]
    public void An_anonymous_connection_lets_in_anonymous_requests_and_no_user()
    {
        _bindings.Bind("token", ConnectionIdentity.Anonymous);

        Assert.NotNull(_bindings.Enter("token", ConnectionIdentity.Anonymous, new DefaultHttpContext(), out _));
        Assert.Null(_bindings.Enter("token", Alice, new DefaultHttpContext(), out var other));
        Assert.True(other);
    }

    [Fact]
    public void Closing_resets_the_requests_in_flight_and_refuses_later_ones()
    {
        _bindings.Bind("token", Alice);
        var (poll, aborted) = Request();
        var (done, doneAborted) = Request();
        var binding = _bindings.Enter("token", Alice, poll, out _)!;
        _bindings.Exit(_bindings.Enter("token", Alice, done, out _)!, done);

        Assert.True(_bindings.Close("token"));

        Assert.True(aborted());
        Assert.False(doneAborted());
        Assert.Null(_bindings.Enter("token", Alice, new DefaultHttpContext(), out var other));
        Assert.False(other);
        _bindings.Exit(binding, poll);
        Assert.False(_bindings.Close("token"));
        Assert.False(_bindings.Close("unknown"));
    }

    [Fact]
    public void Closing_an_identity_closes_every_connection_it_negotiated_and_no_other()
    {
        _bindings.Bind("alice's", Alice);
        _bindings.Bind("alice's, not started yet", Alice);
        _bindings.Bind("bob's", Bob);
        _bindings.Bind("anonymous", ConnectionIdentity.Anonymous);

        Assert.Equal(2, _bindings.CloseAll(Alice));
        Assert.Equal(0, _bindings.CloseAll(Alice));

        Assert.Equal((false, false, true), (Known("alice's"), Known("alice's, not started yet"), Known("bob's", Bob)));
        Assert.NotNull(_bindings.Enter("anonymous", ConnectionIdentity.Anonymous, new DefaultHttpContext(), out _));
    }

    [Fact]
    public void A_token_unused_for_twice_the_disconnect_timeout_is_forgotten_and_one_in_use_is_kept()
    {
        _bindings.Bind("idle", Alice);
        _bindings.Bind("in use", Alice);
        _bindings.Bind("recent", Alice);
        var request = new DefaultHttpContext();
        var inUse = _bindings.Enter("in use", Alice, request, out _)!;
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(Known("recent"));
        _time.Advance(TimeSpan.FromSeconds(10));

        // Sweeps run as connections are negotiated.
        _bindings.Bind("new", Alice);

        Assert.Equal((false, true, true), (Known("idle"), Known("in use"), Known("recent")));
        Assert.Equal(3, _bindings.Count);

        // Once its last request ends, a token is forgotten a window later.
        _bindings.Exit(inUse, request);
        _time.Advance(TimeSpan.FromSeconds(30));
        _bindings.Bind("another", Alice);
        Assert.Equal((false, true), (Known("in use"), Known("another")));
        Assert.Equal(1, _bindings.Count);
    }

    // Whether a request naming the token is let in (and then ends), as alice's unless said.
    private bool Known(string token, ConnectionIdentity? identity = null)
    {
        var request = new DefaultHttpContext();
        if (_bindings.Enter(token, identity ?? Alice, request, out _) is not { } binding)
        {
            return false;
        }

        _bindings.Exit(binding, request);
        return true;
    }

    private static (HttpContext Request, Func<bool> Aborted) Request()
    {
        var lifetime = new RecordingLifetime();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        return (context, () => lifetime.Aborted);
    }

    private sealed class RecordingLifetime : IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;
    }
}
