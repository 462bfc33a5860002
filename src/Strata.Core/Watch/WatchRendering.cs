using Strata.Resolution;
using Strata.Security;

namespace Strata.Watch;

/// <summary>What rendering an event needs from the engine: the resolver and the signing key.</summary>
internal sealed record WatchRendering(Resolver Resolver, SigningKey Key);
