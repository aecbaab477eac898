using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// The convention's tags: <c>[name]</c> and, with a single-column primary key, <c>[name, key]</c>, where the name is
/// the entity type's short name in camelCase.
/// </summary>
internal sealed class ConventionTags : EntityTags
{
    private readonly Tag _all;
    private readonly TagSegment _name;
    private readonly IProperty? _key;

    public ConventionTags(IEntityType entityType)
    {
        _name = NameOf(entityType);
        _all = [_name];
        _key = entityType.FindPrimaryKey()?.Properties is [var key] ? key : null;
    }

    /// <summary>The name segment: the CLR type's name (or a shared type's entity name) in camelCase.</summary>
    public static string NameOf(IReadOnlyEntityType entityType) => JsonNamingPolicy.CamelCase.ConvertName(entityType.ShortName());

    /// <summary>
    /// A key value as a segment: integers as integers (outside ±(2^53 − 1) as their decimal text), booleans as
    /// booleans, anything else as its invariant text; a value converter's provider value counts, so a strongly
    /// typed id gives the number or text it is stored as.
    /// </summary>
    public static TagSegment SegmentOf(object value) => value switch
    {
        string text => text,
        bool flag => flag,
        sbyte or byte or short or ushort or int or uint or long => Integer(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong number => number <= TagSegment.MaxInteger ? (long)number : number.ToString(CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    public override void Add(EntityEntry entry, bool original, DistinctTags tags)
    {
        tags.Add(_all);
        if (_key is null)
        {
            return;
        }

        var property = entry.Property(_key);
        AddKey(original ? property.OriginalValue : property.CurrentValue, tags);
    }

    public override void Add(object entity, DistinctTags tags)
    {
        tags.Add(_all);
        if (_key is not null)
        {
            AddKey(_key.GetGetter().GetClrValueUsingContainingEntity(entity), tags);
        }
    }

    private void AddKey(object? value, DistinctTags tags)
    {
        if (_key!.GetTypeMapping().Converter is { } converter)
        {
            value = converter.ConvertToProvider(value);
        }

        if (value is not null)
        {
            tags.Add([_name, SegmentOf(value)]);
        }
    }

    private static TagSegment Integer(long value) =>
        value is >= TagSegment.MinInteger and <= TagSegment.MaxInteger ? value : value.ToString(CultureInfo.InvariantCulture);
}
