using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.Npgsql.Capture;

/// <summary>A server that cannot decode its log (<c>wal_level = replica</c>, the default) refuses capture at start.</summary>
public sealed class ReplicaServerTests
{
    [Fact]
    public async Task A_server_with_wal_level_replica_stops_the_host_at_start_with_what_to_set()
    {
        await using var server = await PostgresServer.StartAsync("replica");
        var database = await CaptureDatabase.CreateAsync(server);
        await using var node = CaptureNode.Build(database);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(node.StartAsync);

        Assert.Contains("wal_level = replica; change capture needs wal_level = logical", refused.Message);
        Assert.Contains("ALTER SYSTEM SET wal_level = logical", refused.Message);
    }
}
