namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>
/// How fast the churn scenario changes subscriptions, in total over all connections: a swap releases one filler
/// tag and holds another (two hub calls); a reconnect closes a connection, opens a new one and holds its tags again.
/// </summary>
internal sealed record ChurnRates(double SwapsPerSecond, double ReconnectsPerSecond);
