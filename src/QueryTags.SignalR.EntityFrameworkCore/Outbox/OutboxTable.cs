using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// Writes a row of the outbox table of one model, with the table and column names, parameter forms and type mappings
/// of its provider, on a connection and transaction EF Core already holds (inside a commit, where SaveChanges cannot
/// run).
/// </summary>
internal sealed class OutboxTable
{
    private const string Annotation = "QueryTags:OutboxTable";

    private readonly string _insert;
    private readonly (string Name, RelationalTypeMapping Mapping)[] _parameters;

    private OutboxTable(DbContext context, IEntityType entityType)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        IProperty[] columns =
        [
            entityType.FindProperty(nameof(OutboxInvalidation.InvalidationId))!,
            entityType.FindProperty(nameof(OutboxInvalidation.Tags))!,
            entityType.FindProperty(nameof(OutboxInvalidation.CreatedAt))!,
        ];
        _parameters = [.. columns.Select((column, i) => (sql.GenerateParameterName($"p{i}"), column.GetRelationalTypeMapping()))];
        _insert = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} "
            + $"({string.Join(", ", columns.Select(column => sql.DelimitIdentifier(column.GetColumnName(table)!)))}) "
            + $"VALUES ({string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder($"p{i}")))})";
    }

    /// <summary>The outbox table of the context's model, or null when the model has none (<c>AddTagInvalidationOutbox</c>).</summary>
    public static OutboxTable? Find(DbContext context) =>
        context.Model.FindEntityType(typeof(OutboxInvalidation)) is { } entityType
            ? context.Model.GetOrAddRuntimeAnnotationValue(Annotation, static arguments => new OutboxTable(arguments.Context, arguments.EntityType), (Context: context, EntityType: entityType))
            : null;

    /// <summary>Inserts a row on <paramref name="connection"/> (open), inside <paramref name="transaction"/> when given.</summary>
    public async Task WriteAsync(DbConnection connection, DbTransaction? transaction, string invalidationId, string tags, DateTimeOffset createdAt, bool async, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _insert;
        command.Transaction = transaction;
        object[] values = [invalidationId, tags, createdAt];
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(_parameters[i].Mapping.CreateParameter(command, _parameters[i].Name, values[i], nullable: false));
        }

        if (async)
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            command.ExecuteNonQuery();
        }
    }
}
