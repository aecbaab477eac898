using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.Tests.EntityFrameworkCore.Declarations;

/// <summary>A model's declarations read on a detached entity, as change capture reads them on a row.</summary>
public sealed class TagInvalidationEntityTypeExtensionsTests
{
    private static readonly Microsoft.EntityFrameworkCore.Metadata.IModel Model =
        new ConventionDb(new DbContextOptionsBuilder<ConventionDb>().UseSqlite("Data Source=:memory:").Options).Model;

    [Fact]
    public void The_convention_gives_a_detached_entity_its_name_and_its_key_as_stored()
    {
        var tags = Model.FindEntityType(typeof(Order))!.GetInvalidatedTags(new Order { Id = new OrderId(7) });

        Assert.Equal(["[\"order\"]", "[\"order\",7]"], tags.Select(tag => tag.Canonical));
    }

    [Fact]
    public void A_declaration_and_a_base_type_s_declaration_are_evaluated_on_the_entity()
    {
        Assert.Equal([new Tag("comments", 3)], Model.FindEntityType(typeof(Comment))!.GetInvalidatedTags(new Comment { Id = 1, TodoId = 3 }));
        Assert.Equal([new Tag("animal", 4)], Model.FindEntityType(typeof(Dog))!.GetInvalidatedTags(new Dog { Id = 4, Name = "Rex" }));
    }

    [Fact]
    public void A_type_has_tags_when_it_declares_them_or_the_convention_covers_it()
    {
        Assert.True(Model.FindEntityType(typeof(TodoList))!.HasInvalidatedTags());
        Assert.True(Model.FindEntityType(typeof(Comment))!.HasInvalidatedTags());
        Assert.True(Model.FindEntityType(typeof(Dog))!.HasInvalidatedTags());
    }
}
