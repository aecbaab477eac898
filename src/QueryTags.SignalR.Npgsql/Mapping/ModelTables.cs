using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using QueryTags.SignalR.Npgsql.Internal;

namespace QueryTags.SignalR.Npgsql.Mapping;

/// <summary>
/// The captured tables of an EF Core model: every table of an entity type that has tags, each mapped to a function of
/// its rows that evaluates the model's own declarations on an entity made from the row (<see cref="RowEntity"/>).
/// </summary>
/// <remarks>
/// Declarations are functions of an entity, written for the interceptor; a row arrives as column values. Making a
/// detached entity from them lets the same function serve both writers, instead of asking the app to declare its tags
/// a second time per column.
/// </remarks>
internal static class ModelTables
{
    public static void AddTo(IModel model, IDictionary<TableName, Func<CapturedRow, IEnumerable<Tag>>> tables)
    {
        var byTable = model.GetEntityTypes()
            .Where(type => !type.IsOwned() && type.GetTableName() is not null && type.HasInvalidatedTags() && !type.ClrType.IsAbstract)
            .GroupBy(type => new TableName(type.GetSchema() ?? model.GetDefaultSchema() ?? TableName.DefaultSchema, type.GetTableName()!));
        foreach (var table in byTable)
        {
            var types = table.Select(type => new RowEntity(type, StoreObjectIdentifier.Create(type, StoreObjectType.Table)!.Value)).ToList();
            tables[table.Key] = types is [var only] ? only.Tags : row => Typed(types, row);
        }
    }

    // Entity types sharing a table (table-per-hierarchy): the row's discriminator says which one it is.
    private static IEnumerable<Tag> Typed(List<RowEntity> types, CapturedRow row) =>
        types.FirstOrDefault(type => type.Is(row)) is { } type ? type.Tags(row) : [];
}
