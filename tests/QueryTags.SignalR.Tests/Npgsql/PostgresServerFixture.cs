using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.Tests.Npgsql;

/// <summary>
/// One throwaway PostgreSQL server for a test class whose tests leave it running; each test keeps to tables,
/// publications and slots of its own names, so the tests do not see each other's data.
/// </summary>
public sealed class PostgresServerFixture() : ServerFixture<PostgresServer>(PostgresServer.StartAsync);
