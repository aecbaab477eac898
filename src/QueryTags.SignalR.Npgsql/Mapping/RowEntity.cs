using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace QueryTags.SignalR.Npgsql.Mapping;

/// <summary>
/// Makes a detached entity of one entity type from a captured row: each mapped scalar property is set from its
/// column, through the property's value converter, and the model's declarations are evaluated on it.
/// </summary>
/// <remarks>
/// Navigations stay unset, as for the original values a save hands the declarations: declarations read foreign keys.
/// A type without a parameterless constructor is made uninitialized (its constructor does not run) and filled the same way.
/// </remarks>
internal sealed class RowEntity
{
    private readonly IEntityType _type;
    private readonly List<(IProperty Property, string Column)> _columns;
    private readonly (string Column, object? Value)? _discriminator;

    public RowEntity(IEntityType type, StoreObjectIdentifier table)
    {
        _type = type;
        _columns = [.. type.GetProperties()
            .Where(property => !property.IsShadowProperty() && property.GetColumnName(table) is not null)
            .Select(property => (property, property.GetColumnName(table)!))];
        if (type.FindDiscriminatorProperty() is { } discriminator && discriminator.GetColumnName(table) is { } column)
        {
            _discriminator = (column, discriminator.GetTypeMapping().Converter is { } converter
                ? converter.ConvertToProvider(type.GetDiscriminatorValue())
                : type.GetDiscriminatorValue());
        }
    }

    /// <summary>Whether the row is of this type: its discriminator column holds the type's value (or the table has none).</summary>
    public bool Is(CapturedRow row) =>
        _discriminator is not { } discriminator
        || (row.Values.TryGetValue(discriminator.Column, out var value) && Equals(value, discriminator.Value));

    public IEnumerable<Tag> Tags(CapturedRow row) => _type.GetInvalidatedTags(Create(row));

    private object Create(CapturedRow row)
    {
        var entity = New(_type.ClrType);
        foreach (var (property, column) in _columns)
        {
            if (row.Values.TryGetValue(column, out var value))
            {
                Set(entity, property, value);
            }
        }

        return entity;
    }

    private static object New(Type type)
    {
        try
        {
            return Activator.CreateInstance(type, nonPublic: true)!;
        }
        catch (MissingMethodException)
        {
            return RuntimeHelpers.GetUninitializedObject(type);
        }
    }

    private static void Set(object entity, IProperty property, object? value)
    {
        var converter = property.GetTypeMapping().Converter;
        var stored = Convert(value, converter?.ProviderClrType ?? property.ClrType);
        var clr = converter is null || stored is null ? stored : converter.ConvertFromProvider(stored);
        if (property.FieldInfo is { } field)
        {
            field.SetValue(entity, clr);
        }
        else
        {
            property.PropertyInfo?.SetValue(entity, clr);
        }
    }

    // Npgsql reads each column as its default CLR type; the model may store it as a neighbour (a long in an int4
    // column, a DateTimeOffset in a timestamptz).
    private static object? Convert(object? value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            null => null,
            _ when target.IsInstanceOfType(value) => value,
            DateTime time when target == typeof(DateTimeOffset) => new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time),
            _ when target.IsEnum => Enum.ToObject(target, value),
            IConvertible => System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture),
            _ => value,
        };
    }
}
