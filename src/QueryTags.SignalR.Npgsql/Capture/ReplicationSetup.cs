using Npgsql;

namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>
/// What capture needs in the database, checked and made over an ordinary connection: the server's settings and the
/// user's permission, the captured tables (their replica identity), the publication and the slot.
/// </summary>
/// <remarks>
/// The publication is created after the slot, and only then. So a publication without its slot means the slot was
/// there and is gone (dropped, or invalidated past <c>max_slot_wal_keep_size</c>): changes were lost, and clients must
/// be reset. A comment on the publication carries a generation that changes when the slot is made again, so the nodes
/// that do not consume learn of it too.
/// </remarks>
internal sealed class ReplicationSetup(PostgresChangeCaptureOptions options, IReadOnlyCollection<TableName> tables)
{
    private const string DuplicateObject = "42710";
    private const string UndefinedTable = "42P01";
    private const string UndefinedObject = "42704";

    /// <summary>Refuses a server or user that cannot capture, with what to set; makes the tables ready and the publication.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var walLevel = (string?)await ScalarAsync(connection, "SHOW wal_level", cancellationToken);
        if (walLevel != "logical")
        {
            throw new InvalidOperationException(
                $"PostgreSQL at {connection.Host}:{connection.Port} runs with wal_level = {walLevel}; change capture needs wal_level = logical. "
                + "Set it in postgresql.conf (or run ALTER SYSTEM SET wal_level = logical as a superuser) and restart the server.");
        }

        var user = (string)(await ScalarAsync(connection, "SELECT current_user", cancellationToken))!;
        if (await ScalarAsync(connection, "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user", cancellationToken) is not true)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL user {user} may not read changes (it lacks the REPLICATION attribute). "
                + $"Run ALTER ROLE \"{user}\" REPLICATION as a superuser, or connect as a user that has it.");
        }

        if (tables.Count == 0)
        {
            throw new InvalidOperationException(
                "Change capture has no table to capture: give it an EF Core context whose model declares tags (AddPostgresChangeCapture<TContext>), or map a table with PostgresChangeCaptureOptions.MapTable.");
        }

        foreach (var table in tables)
        {
            await PrepareTableAsync(connection, table, cancellationToken);
        }

        await EnsurePublicationAsync(connection, cancellationToken);
    }

    /// <summary>
    /// Makes the slot when it is missing, or lost. When one was there and is gone (its changes lost), a new generation
    /// is written before the slot is made again, so a node that finds the new slot also finds the new generation; the
    /// generation is returned, null when nothing was lost.
    /// </summary>
    public async Task<string?> EnsureSlotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var walStatus = await ScalarAsync(connection, "SELECT coalesce(wal_status, '') FROM pg_replication_slots WHERE slot_name = $1", cancellationToken, options.SlotName);
        if (walStatus is string and not "lost")
        {
            return null;
        }

        string? generation = null;
        if (walStatus is "lost" || await ScalarAsync(connection, "SELECT 1 FROM pg_publication WHERE pubname = $1", cancellationToken, options.PublicationName) is not null)
        {
            generation = await NewGenerationAsync(connection, cancellationToken);
        }

        try
        {
            if (walStatus is "lost")
            {
                await ExecuteAsync(connection, "SELECT pg_drop_replication_slot($1)", cancellationToken, options.SlotName);
            }

            await ExecuteAsync(connection, "SELECT pg_create_logical_replication_slot($1, 'pgoutput')", cancellationToken, options.SlotName);
        }
        catch (PostgresException exception) when (exception.SqlState is DuplicateObject or UndefinedObject)
        {
            // Another node dropped or made it at the same moment.
        }

        return generation;
    }

    /// <summary>Starts a new generation: every node resets its clients when it sees it.</summary>
    public async Task<string> NewGenerationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await NewGenerationAsync(connection, cancellationToken);
    }

    /// <summary>The generation of what was captured, which changes whenever changes were lost; null before the publication exists.</summary>
    public async Task<string?> GenerationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, "SELECT coalesce(obj_description(oid, 'pg_publication'), '') FROM pg_publication WHERE pubname = $1", cancellationToken, options.PublicationName) as string;
    }

    private async Task PrepareTableAsync(NpgsqlConnection connection, TableName table, CancellationToken cancellationToken)
    {
        object? identity;
        try
        {
            identity = await ScalarAsync(connection, "SELECT relreplident::text FROM pg_class WHERE oid = $1::regclass", cancellationToken, table.Quoted);
        }
        catch (PostgresException exception) when (exception.SqlState == UndefinedTable)
        {
            throw new InvalidOperationException(
                $"The captured table {table} does not exist: create the schema before the host starts (Database.Migrate() or EnsureCreated()), or map the table by its stored name.", exception);
        }

        if (options.SetReplicaIdentityFull && identity is not "f")
        {
            try
            {
                await ExecuteAsync(connection, $"ALTER TABLE {table.Quoted} REPLICA IDENTITY FULL", cancellationToken);
            }
            catch (PostgresException exception)
            {
                throw new InvalidOperationException(
                    $"Setting REPLICA IDENTITY FULL on {table} failed ({exception.MessageText}): run ALTER TABLE {table.Quoted} REPLICA IDENTITY FULL as its owner, "
                    + "or turn PostgresChangeCaptureOptions.SetReplicaIdentityFull off (old values other than the key are then unknown).", exception);
            }
        }
    }

    private async Task EnsurePublicationAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var list = string.Join(", ", tables.Select(table => table.Quoted));
        if (await ScalarAsync(connection, "SELECT 1 FROM pg_publication WHERE pubname = $1", cancellationToken, options.PublicationName) is null)
        {
            // The slot first: a publication without a slot means a lost slot (see the remarks).
            await EnsureSlotAsync(cancellationToken);
            try
            {
                await ExecuteAsync(connection, $"CREATE PUBLICATION {TableName.Quote(options.PublicationName)} FOR TABLE {list}", cancellationToken);
                await NewGenerationAsync(connection, cancellationToken);
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == DuplicateObject)
            {
                // Another node made it at the same moment.
            }
        }

        await ExecuteAsync(connection, $"ALTER PUBLICATION {TableName.Quote(options.PublicationName)} SET TABLE {list}", cancellationToken);
    }

    private async Task<string> NewGenerationAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var generation = Guid.NewGuid().ToString("N");
        await ExecuteAsync(connection, $"COMMENT ON PUBLICATION {TableName.Quote(options.PublicationName)} IS '{generation}'", cancellationToken);
        return generation;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(options.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
