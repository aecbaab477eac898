using System.Text;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class IdentityBindingTests
{
    [Theory]
    [InlineData("{\"negotiateVersion\":1,\"connectionId\":\"id\",\"connectionToken\":\"token\",\"availableTransports\":[]}", "token")]
    [InlineData("{\"negotiateVersion\":0,\"connectionId\":\"id\",\"availableTransports\":[]}", "id")]
    [InlineData("{\"error\":\"The client requested version '0', but the server does not support this version.\"}", null)]
    [InlineData("{\"connectionToken\":42}", null)]
    [InlineData("[\"connectionToken\"]", null)]
    [InlineData("not json", null)]
    [InlineData("", null)]
    public void A_negotiate_answer_gives_its_connection_token_or_with_protocol_0_its_connection_id(string answer, string? token)
    {
        using var stream = new MemoryStream();
        stream.Write(Encoding.UTF8.GetBytes(answer));

        Assert.Equal(token, IdentityBinding.TokenOf(stream));
    }
}
