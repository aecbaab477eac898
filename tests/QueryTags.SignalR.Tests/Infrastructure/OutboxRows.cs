using Microsoft.Data.Sqlite;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>Reads the outbox table of a SQLite file on a connection of its own: committed rows only.</summary>
internal static class OutboxRows
{
    public static List<(long Id, string InvalidationId, string Tags, string? Error)> Read(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Id", "InvalidationId", "Tags", "Error" FROM "TagInvalidationOutbox" ORDER BY "Id" """;
        using var reader = command.ExecuteReader();
        List<(long, string, string, string?)> rows = [];
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows;
    }
}
