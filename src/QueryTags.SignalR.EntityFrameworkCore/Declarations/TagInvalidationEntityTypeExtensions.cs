using Microsoft.EntityFrameworkCore.Metadata;
using QueryTags.SignalR;
using QueryTags.SignalR.EntityFrameworkCore.Internal;

namespace Microsoft.EntityFrameworkCore;

/// <summary>
/// Reads a model's tag declarations outside a save: for a writer that sees rows rather than tracked entities, such as
/// change capture at the database.
/// </summary>
public static class TagInvalidationEntityTypeExtensions
{
    /// <summary>
    /// Whether a change to an entity of this type invalidates any tag: the type (or its nearest base type) declares
    /// tags with <c>InvalidatesTags</c>, or the model uses <c>UseTagInvalidationConvention</c> and the type is not owned.
    /// </summary>
    /// <param name="entityType">An entity type of the model EF Core reads at run time (<c>context.Model</c>).</param>
    /// <returns>True when the type has tags.</returns>
    public static bool HasInvalidatedTags(this IEntityType entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return EntityTags.For(entityType) != EntityTags.None;
    }

    /// <summary>
    /// The distinct tags a change to <paramref name="entity"/> invalidates, as a save would publish them for one of its
    /// values (old or new): the declared function's, or the convention's.
    /// </summary>
    /// <param name="entityType">The entity's type, from the model EF Core reads at run time (<c>context.Model</c>).</param>
    /// <param name="entity">An instance of the type, tracked or not; only its scalar and complex properties are read by the convention.</param>
    /// <returns>The tags, each once, in the order the declaration gives them; none when the type has no tags.</returns>
    /// <exception cref="Exception">The declared function threw (its own exception).</exception>
    public static IReadOnlyList<Tag> GetInvalidatedTags(this IEntityType entityType, object entity)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(entity);
        var tags = new DistinctTags();
        EntityTags.For(entityType).Add(entity, tags);
        return tags.Tags;
    }
}
