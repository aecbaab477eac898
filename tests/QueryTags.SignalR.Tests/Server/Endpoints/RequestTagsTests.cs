using System.Reflection;
using Microsoft.AspNetCore.Http;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Endpoints;

/// <summary>Tags computed from a request: delegates bound by name (route, then query) and the attribute's placeholders.</summary>
public class RequestTagsTests
{
    [Fact]
    public void Delegate_parameters_bind_by_name_from_the_route_then_the_query_string()
    {
        var context = Request("/todos/5?list=inbox&id=9&done=true", ("id", "5"));
        var source = RequestTagSource.FromDelegate(IEnumerable<Tag> (int id, string list, bool done, HttpContext http) => [["todo", id], [list, done], [http.Request.Method]]);

        Assert.Equal([new Tag("todo", 5), new Tag("inbox", true), new Tag("POST")], source.For(context));
    }

    [Fact]
    public void A_missing_or_unreadable_value_names_the_parameter_and_an_optional_one_is_null()
    {
        var context = Request("/?id=five");
        var missing = Assert.Throws<InvalidOperationException>(() => RequestTagSource.FromDelegate(IEnumerable<Tag> (long list) => [["l", list]]).For(context).ToList());
        var unreadable = Assert.Throws<InvalidOperationException>(() => RequestTagSource.FromDelegate(IEnumerable<Tag> (int id) => [["t", id]]).For(context).ToList());
        var optional = RequestTagSource.FromDelegate(IEnumerable<Tag> (int? list, Guid? other) => [["l", list?.ToString() ?? "none"]]).For(context);

        Assert.Contains("'list'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'five'", unreadable.Message, StringComparison.Ordinal);
        Assert.Equal([new Tag("l", "none")], optional);
    }

    [Fact]
    public void A_parameter_of_a_type_that_cannot_be_read_is_refused_when_the_tags_are_declared()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RequestTagSource.FromDelegate(IEnumerable<Tag> (List<int> ids) => [["t"]]));

        Assert.Contains("'ids'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_default_tag_is_refused_at_startup()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RequestTagSource.Fixed([["todos"], default]));

        Assert.StartsWith("default(Tag) breaks rule empty: a tag needs at least one segment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_placeholders_take_the_type_of_the_handlers_parameter_or_their_own()
    {
        var handler = typeof(RequestTagsTests).GetMethod(nameof(Handler), BindingFlags.NonPublic | BindingFlags.Static)!;
        var context = Request("/?flag=false&name=7", ("id", "5"));
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(handler), "test"));

        Assert.Equal(new Tag("todo", 5), Tags(new InvalidatesTagsAttribute("todo", "{id}"), context));
        Assert.Equal(new Tag("todo", "5"), Tags(new InvalidatesTagsAttribute("todo", "{id:string}"), context));
        Assert.Equal(new Tag("f", false, "7"), Tags(new InvalidatesTagsAttribute("f", "{flag}", "{name}"), context));
        Assert.Equal(new Tag("n", 7), Tags(new InvalidatesTagsAttribute("n", "{name:long}"), context));
        Assert.Equal(new Tag("lit", 3, true), Tags(new InvalidatesTagsAttribute("lit", 3, true), context));
    }

    [Fact]
    public void Attribute_segments_of_other_types_and_unknown_placeholder_types_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new InvalidatesTagsAttribute());
        Assert.Throws<ArgumentException>(() => new InvalidatesTagsAttribute("a", 1.5));
        Assert.Throws<ArgumentException>(() => new InvalidatesTagsAttribute("a", "{id:guid}"));
    }

    [Fact]
    public void An_attribute_placeholder_whose_value_is_not_its_type_names_it()
    {
        var context = Request("/?id=x");

        var error = Assert.Throws<InvalidOperationException>(() => Tags(new InvalidatesTagsAttribute("t", "{id:int}"), context));

        Assert.Contains("{id}", error.Message, StringComparison.Ordinal);
    }

    private static void Handler(int id, bool flag, string name)
    {
    }

    private static Tag Tags(IRequestTags tags, HttpContext context) => Assert.Single(tags.TagsFor(context));

    private static DefaultHttpContext Request(string pathAndQuery, params (string Key, string Value)[] route)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
        foreach (var (key, value) in route)
        {
            context.Request.RouteValues[key] = value;
        }

        return context;
    }
}
