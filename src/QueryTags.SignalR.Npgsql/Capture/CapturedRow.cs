namespace QueryTags.SignalR.Npgsql;

/// <summary>One row's values, old or new, as change capture read them from the write-ahead log.</summary>
public sealed class CapturedRow
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    internal CapturedRow(string schema, string table, IReadOnlyDictionary<string, object?> values)
    {
        Schema = schema;
        Table = table;
        _values = values;
    }

    /// <summary>The table's schema, such as <c>public</c>.</summary>
    public string Schema { get; }

    /// <summary>The table's name.</summary>
    public string Table { get; }

    /// <summary>
    /// The values by column name: each as Npgsql reads its type by default (<c>integer</c> as <see cref="int"/>,
    /// <c>text</c> as <see cref="string"/>, <c>timestamptz</c> as <see cref="DateTime"/>), SQL NULL as null. A delete
    /// or an update without <c>REPLICA IDENTITY FULL</c> has only the key columns in its old row.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Values => _values;

    /// <summary>The value of <paramref name="column"/>.</summary>
    /// <param name="column">The column's name, as stored (case-sensitive).</param>
    /// <exception cref="KeyNotFoundException">The row has no such column; the message lists those it has.</exception>
    public object? this[string column] => _values.TryGetValue(column, out var value)
        ? value
        : throw new KeyNotFoundException(
            $"The captured row of {Schema}.{Table} has no column '{column}'; it has {string.Join(", ", _values.Keys)}. "
            + "Names are case-sensitive; an old row lacks the columns outside the key unless the table has REPLICA IDENTITY FULL.");
}
