using Microsoft.AspNetCore.Http;

namespace QueryTags.SignalR.Internal;

/// <summary>Endpoint metadata: tags an endpoint invalidates after it succeeds, computed from the request.</summary>
internal interface IRequestTags
{
    IEnumerable<Tag> TagsFor(HttpContext context);
}

/// <summary>What <c>.InvalidatesTags(...)</c> puts in an endpoint's metadata.</summary>
internal sealed class InvalidatesTagsMetadata(RequestTagSource source) : IRequestTags
{
    public IEnumerable<Tag> TagsFor(HttpContext context) => source.For(context);
}
