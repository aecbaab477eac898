using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.LoadTest.Server;

/// <summary>
/// The naive baseline: nothing is held on the server, every invalidation goes to every connection and the
/// clients keep what matches their tags. What targeting saves is measured against it.
/// </summary>
internal sealed class BroadcastBaselineHub : Hub;
