using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql;

namespace TodoApp;

/// <summary>
/// The sample needs no set-up step: the first start creates the database file, and a file made by an earlier
/// version of the sample is brought up to date, keeping its todos.
/// </summary>
public static class TodoDatabase
{
    /// <summary>Creates the database when it is missing and adds what an older file lacks.</summary>
    public static void EnsureReady(TodoDbContext db)
    {
        if (!db.Database.IsSqlite())
        {
            // PostgreSQL (--Postgres): the tables are made once, with EF Core's default names ("Todos", "Id", "Title", ...).
            try
            {
                db.Database.EnsureCreated();
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
            {
                // Two nodes started together both try to create the table; the later one finds it made.
            }

            return;
        }

        try
        {
            db.Database.EnsureCreated();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1 && ex.Message.Contains("already exists", StringComparison.Ordinal))
        {
            // Two nodes started together on one database file both try to create it; the later one finds it made.
        }

        // EnsureCreated does nothing to a file that has tables. Files from before todos had owners lack the
        // column: adding it keeps their todos, all in the shared list (a null owner).
        if (!HasColumn(db, "Todos", nameof(Todo.Owner)))
        {
            try
            {
                db.Database.ExecuteSqlRaw("""ALTER TABLE "Todos" ADD COLUMN "Owner" TEXT NULL""");
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 1 && ex.Message.Contains("duplicate column", StringComparison.Ordinal))
            {
                // Another node started on the same file added it first.
            }
        }

        AddOutboxTable(db);
    }

    // A file from before the outbox has every table but its own: the table alone, as a migration of the model would
    // create it.
    private static void AddOutboxTable(TodoDbContext db)
    {
        const string table = TodoDbContext.OutboxTable;
        if (db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM sqlite_master WHERE type = 'table' AND name = {table}").AsEnumerable().Single() > 0)
        {
            return;
        }

        var model = db.GetService<IDesignTimeModel>().Model;
        var create = db.GetService<IMigrationsModelDiffer>().GetDifferences(null, model.GetRelationalModel())
            .Where(operation => operation is CreateTableOperation created && created.Name == table);
        try
        {
            foreach (var command in db.GetService<IMigrationsSqlGenerator>().Generate([.. create], model))
            {
                db.Database.ExecuteSqlRaw(command.CommandText);
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1 && ex.Message.Contains("already exists", StringComparison.Ordinal))
        {
            // Another node started on the same file added it first.
        }
    }

    private static bool HasColumn(TodoDbContext db, string table, string column) =>
        db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM pragma_table_info({table}) WHERE name = {column}").AsEnumerable().Single() > 0;
}
