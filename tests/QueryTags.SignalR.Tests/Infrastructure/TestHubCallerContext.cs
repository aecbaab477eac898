using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>The caller context of one hub connection, for driving the hub's logic without a transport.</summary>
internal sealed class TestHubCallerContext(string connectionId) : HubCallerContext
{
    private readonly CancellationTokenSource _aborted = new();

    public override string ConnectionId { get; } = connectionId;

    public override string? UserIdentifier => null;

    public override ClaimsPrincipal? User => Principal;

    /// <summary>The connection's user; anonymous unless a test sets another.</summary>
    public ClaimsPrincipal Principal { get; set; } = new(new ClaimsIdentity());

    public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override CancellationToken ConnectionAborted => _aborted.Token;

    public override void Abort() => _aborted.Cancel();
}
