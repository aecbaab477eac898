using Microsoft.AspNetCore.Http;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class ResponseInvalidationsTests
{
    [Fact]
    public void A_response_lists_each_id_once_in_publish_order_the_last_few_only_with_the_latest_cursor()
    {
        var context = new DefaultHttpContext();
        var messages = Enumerable.Range(1, ResponseInvalidations.MaxIds + 4).Select(sequence => Message(sequence)).ToList();

        foreach (var message in messages)
        {
            ResponseInvalidations.Note(context, message);
            ResponseInvalidations.Note(context, message);
        }

        Assert.Equal(string.Join(", ", messages.Skip(4).Select(message => message.Id)), context.Response.Headers[InvalidationHeaders.Id].ToString());
        Assert.Equal($"e:{messages.Count}", context.Response.Headers[InvalidationHeaders.Cursor].ToString());
    }

    [Fact]
    public void The_request_is_found_through_the_accessor_and_no_request_notes_nothing()
    {
        var accessor = new HttpContextAccessor();
        var responses = new ResponseInvalidations(accessor);
        responses.Note(Message(1));

        accessor.HttpContext = new DefaultHttpContext();
        responses.Note(Message(2));

        Assert.Equal("e:2", accessor.HttpContext.Response.Headers[InvalidationHeaders.Cursor].ToString());
    }

    private static InvalidationMessage Message(int sequence) =>
        new() { Id = $"id{sequence}", Tags = [["todos"]], Cursor = new InvalidationCursor("e", sequence) };
}
