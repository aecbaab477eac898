using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueryTags.SignalR;
using QueryTags.SignalR.EntityFrameworkCore.Internal;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Declares in the model which tags a change to an entity invalidates.</summary>
public static class TagInvalidationModelBuilderExtensions
{
    /// <summary>
    /// Declares the tags a change to an entity of this type (or a derived type that declares none of its own)
    /// invalidates, such as <c>t =&gt; [["todos"], ["todo", t.Id], ["list", t.ListId]]</c>. An added entity's tags
    /// are read after the save (so store-generated keys are set); a modified or deleted entity's from its current
    /// values and from its original values, so a change of <c>ListId</c> from 1 to 2 invalidates both lists. The
    /// original values reach the function as a new instance made from <c>OriginalValues.ToObject()</c>: only its
    /// scalar and complex properties are set, so read foreign keys rather than navigations. Returning no tags
    /// opts the type out of <see cref="UseTagInvalidationConvention"/>.
    /// </summary>
    /// <typeparam name="TEntity">The entity type.</typeparam>
    /// <param name="builder">The entity type's builder.</param>
    /// <param name="tags">The tags of one entity; a function that throws is logged and counted, and the save goes on.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>
    /// The declaration is a model annotation, left out when EF Core's design-time tools build the model
    /// (<see cref="EF.IsDesignTime"/>): a migration snapshot cannot write a function, and has no use for one. A
    /// compiled model (<c>dotnet ef dbcontext optimize</c>) is built by those tools, so it carries no tags.
    /// </remarks>
    public static EntityTypeBuilder<TEntity> InvalidatesTags<TEntity>(this EntityTypeBuilder<TEntity> builder, Func<TEntity, IEnumerable<Tag>> tags)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tags);
        if (EF.IsDesignTime)
        {
            return builder;
        }

        MissingInterceptorWarning.EnsureListening();
        return builder.HasAnnotation(EntityTags.DeclaredAnnotation, new DeclaredTags(entity => tags((TEntity)entity)));
    }

    /// <summary>
    /// Gives every entity type that declares no tags of its own (and is not owned) two tags: <c>[name]</c> and, when
    /// its primary key has one column, <c>[name, key]</c>, such as <c>["todo"]</c> and <c>["todo", 5]</c>. The name
    /// is the CLR type's name (a shared-type entity's name) in camelCase, as <c>JsonNamingPolicy.CamelCase</c>
    /// writes it: <c>TodoList</c> gives <c>todoList</c>. An integer key is an integer segment (outside ±(2^53 − 1), its
    /// decimal text), a boolean a boolean, any other key its invariant text (a <c>Guid</c> as
    /// <c>"0f8fad5b-d9cb-469f-a165-70867728950e"</c>); a key with a value converter counts as the value it is stored
    /// as. A composite key gives <c>[name]</c> only: declare those types' tags with
    /// <see cref="InvalidatesTags{TEntity}"/>.
    /// </summary>
    /// <param name="modelBuilder">The model builder, in <c>OnModelCreating</c>.</param>
    /// <remarks>Like <see cref="InvalidatesTags{TEntity}"/>, a model annotation left out at design time.</remarks>
    /// <returns>The model builder, for chaining.</returns>
    public static ModelBuilder UseTagInvalidationConvention(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        if (EF.IsDesignTime)
        {
            return modelBuilder;
        }

        MissingInterceptorWarning.EnsureListening();
        return modelBuilder.HasAnnotation(EntityTags.ConventionAnnotation, true);
    }
}
