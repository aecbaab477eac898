using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace QueryTags.SignalR.Tests.EntityFrameworkCore;

/// <summary>Declared tags and the convention, on a real SQLite database.</summary>
public sealed class TagInvalidationModelBuilderExtensionsTests : SqliteTests
{
    [Fact]
    public async Task The_convention_gives_the_camel_cased_type_name_and_the_key()
    {
        using var db = Database.Conventions();
        var list = new TodoList { Name = "home" };
        var attachment = new Attachment { Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e") };
        db.AddRange(list, new Label { Code = "urgent" }, attachment);

        await db.SaveChangesAsync();

        var call = Assert.Single(Invalidator.Calls);
        Assert.True(list.Id > 0);
        TagAssert.Equivalent(
            call,
            ["todoList"], ["todoList", list.Id],
            ["label"], ["label", "urgent"],
            ["attachment"], ["attachment", "0f8fad5b-d9cb-469f-a165-70867728950e"]);
    }

    [Fact]
    public async Task The_convention_writes_stored_values_and_gives_a_composite_key_its_name_alone()
    {
        using var db = Database.Conventions();
        db.AddRange(
            new TodoLabel { TodoId = 1, LabelCode = "urgent" },
            new Order { Id = new OrderId(7) },
            new Ledger { Id = TagSegment.MaxInteger + 1 });

        await db.SaveChangesAsync();

        TagAssert.Equivalent(
            Assert.Single(Invalidator.Calls),
            ["todoLabel"],
            ["order"], ["order", 7],
            ["ledger"], ["ledger", "9007199254740992"]);
    }

    [Fact]
    public async Task Declared_tags_win_over_the_convention_and_a_derived_type_takes_its_base_types()
    {
        using var db = Database.Conventions();
        var dog = new Dog { Name = "Rex" };
        db.AddRange(new Comment { TodoId = 5 }, new AuditEntry(), dog);

        await db.SaveChangesAsync();

        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["comments", 5], ["animal", dog.Id]);
    }

    [Fact]
    public async Task An_entity_type_that_declares_no_tags_invalidates_nothing()
    {
        using var db = Database.Conventions();
        db.Add(new AuditEntry());

        Assert.Equal(1, await db.SaveChangesAsync());

        Assert.Empty(Invalidator.Calls);
    }

    [Fact]
    public async Task The_convention_gives_a_deleted_entity_its_key()
    {
        using var db = Database.Conventions();
        var list = new TodoList { Name = "home" };
        db.Add(list);
        await db.SaveChangesAsync();
        db.Remove(list);

        await db.SaveChangesAsync();

        Assert.Equal(2, Invalidator.Calls.Count);
        TagAssert.Equivalent(Invalidator.Calls[1], ["todoList"], ["todoList", list.Id]);
    }

    [Fact]
    public void The_declarations_are_annotations_of_the_model_the_app_runs_with()
    {
        using var db = Database.Todos();

        Assert.NotNull(db.Model.FindEntityType(typeof(Todo))!.FindAnnotation("QueryTags:InvalidatesTags"));
        Assert.Null(db.Model.FindEntityType(typeof(Todo))!.Model.FindAnnotation("QueryTags:TagConvention"));
        using var conventions = Database.Conventions();
        Assert.Equal(true, conventions.Model.FindAnnotation("QueryTags:TagConvention")?.Value);
    }
}

/// <summary>Runs alone: <see cref="EF.IsDesignTime"/> is process-wide, and any model built while it is set would lack its tags.</summary>
[CollectionDefinition(nameof(DesignTimeCollection), DisableParallelization = true)]
public sealed class DesignTimeCollection;

[Collection(nameof(DesignTimeCollection))]
public sealed class DesignTimeModelTests
{
    [Fact]
    public void Design_time_tools_build_a_model_without_the_declarations_a_migration_snapshot_could_not_write()
    {
        EF.IsDesignTime = true;
        try
        {
            using var db = new DesignTimeDb();
            var model = db.GetService<IDesignTimeModel>().Model;

            Assert.DoesNotContain(model.GetAnnotations(), annotation => annotation.Name.StartsWith("QueryTags:", StringComparison.Ordinal));
            Assert.DoesNotContain(
                model.GetEntityTypes().SelectMany(entityType => entityType.GetAnnotations()),
                annotation => annotation.Name.StartsWith("QueryTags:", StringComparison.Ordinal));
        }
        finally
        {
            EF.IsDesignTime = false;
        }
    }

    private sealed class Widget
    {
        public int Id { get; set; }
    }

    private sealed class DesignTimeDb : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
            optionsBuilder.UseSqlite("Data Source=:memory:");

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.UseTagInvalidationConvention();
            modelBuilder.Entity<Widget>().InvalidatesTags(widget => [["widget", widget.Id]]);
        }
    }
}
