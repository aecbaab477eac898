using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// The tags a change to one entity type invalidates: those declared with <c>InvalidatesTags</c> (on the type or its
/// nearest base type), else the convention's when the model uses it, else none.
/// </summary>
/// <remarks>
/// Declarations are model annotations, copied to the model EF Core reads at run time; the resolved tags are cached
/// there as a runtime annotation.
/// </remarks>
internal abstract class EntityTags
{
    public const string DeclaredAnnotation = "QueryTags:InvalidatesTags";
    public const string ConventionAnnotation = "QueryTags:TagConvention";
    private const string ResolvedAnnotation = "QueryTags:ResolvedTags";

    /// <summary>Changes to the type invalidate nothing.</summary>
    public static EntityTags None { get; } = new NoTags();

    /// <summary>The tags of <paramref name="entityType"/>, resolved once per model.</summary>
    public static EntityTags For(IEntityType entityType) =>
        entityType.GetOrAddRuntimeAnnotationValue(ResolvedAnnotation, static type => Resolve(type!), entityType);

    /// <summary>Adds the tags of the entry's current values, or of its original values (the row as it was).</summary>
    public abstract void Add(EntityEntry entry, bool original, DistinctTags tags);

    /// <summary>
    /// Adds the tags of an added entry inside the commit of its save, where the values the database generated are
    /// the entry's and not yet the entity's (EF Core copies them once the commit succeeded).
    /// </summary>
    public virtual void AddCommitting(EntityEntry entry, DistinctTags tags) => Add(entry, original: false, tags);

    /// <summary>Adds the tags of a detached entity, such as one made from a row's column values.</summary>
    public abstract void Add(object entity, DistinctTags tags);

    private static EntityTags Resolve(IEntityType entityType)
    {
        for (var type = entityType; type is not null; type = type.BaseType)
        {
            if (type.FindAnnotation(DeclaredAnnotation)?.Value is EntityTags declared)
            {
                return declared;
            }
        }

        return entityType.Model.FindAnnotation(ConventionAnnotation)?.Value is true && !entityType.IsOwned()
            ? new ConventionTags(entityType)
            : None;
    }

    private sealed class NoTags : EntityTags
    {
        public override void Add(EntityEntry entry, bool original, DistinctTags tags)
        {
        }

        public override void Add(object entity, DistinctTags tags)
        {
        }
    }
}

/// <summary>Tags given by the app's function of an entity.</summary>
internal sealed class DeclaredTags(Func<object, IEnumerable<Tag>> tagsOf) : EntityTags
{
    // The original values become an entity of their own (OriginalValues.ToObject()): scalar and complex
    // properties only, navigations unset.
    public override void Add(EntityEntry entry, bool original, DistinctTags tags) =>
        tags.AddRange(tagsOf(original ? entry.OriginalValues.ToObject() : entry.Entity));

    // The current values as an entity of their own, store-generated keys included; navigations unset, as above.
    public override void AddCommitting(EntityEntry entry, DistinctTags tags) => tags.AddRange(tagsOf(entry.CurrentValues.ToObject()));

    public override void Add(object entity, DistinctTags tags) => tags.AddRange(tagsOf(entity));
}
