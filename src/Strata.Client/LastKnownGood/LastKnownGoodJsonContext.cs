using System.Text.Json.Serialization;

namespace Strata.Client.LastKnownGood;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(LastKnownGoodDocument))]
internal sealed partial class LastKnownGoodJsonContext : JsonSerializerContext;
