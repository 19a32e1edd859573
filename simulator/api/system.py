"""What the system and the contact center offer: `/features`, `/system/features`, `/services`,
`/system/routing-templates`. Read-only, but for removing a feature from the contact center (the
reference's Cloud Admin may; here an admin)."""

from __future__ import annotations

from ..core.catalog import SYSTEM_FEATURES, Feature, Service
from ..core.center_reads import CenterReads
from ..core.refusals import not_found
from .resources import ADMINS, EVERYONE, STAFF, Context, Kind, RouteTable, register
from .route_factories import delete_route, list_route, read_route


def _feature(center: CenterReads, feature_id: str) -> Feature:
    for feature in center.features():
        if feature.id == feature_id:
            return feature
    raise not_found("feature", feature_id)


def _system_feature(center: CenterReads, feature_id: str) -> Feature:
    for feature in SYSTEM_FEATURES:
        if feature.id == feature_id:
            return feature
    raise not_found("feature", feature_id)


def _service(center: CenterReads, service_id: str) -> Service:
    service = center.services.get(service_id)
    if service is None:
        raise not_found("service", service_id)
    return service


FEATURE = register(
    Kind(
        "feature",
        "features",
        "feature",
        "/features",
        document=lambda center, feature: feature.document(),
        find=_feature,
        fields=("id", "displayName", "description"),
    )
)
SYSTEM_FEATURE = register(
    Kind(
        "systemFeature",
        "features",
        "feature",
        "/system/features",
        document=lambda center, feature: feature.document(),
        find=_system_feature,
        fields=("id", "displayName", "description"),
    )
)
SERVICE = register(
    Kind(
        "service",
        "services",
        "service",
        "/services",
        document=lambda center, service: service.document(),
        find=_service,
        fields=("id", "name", "type", "state"),
    )
)
ROUTING_TEMPLATE = register(
    Kind(
        "routingTemplate",
        "routingTemplates",
        "routingTemplate",
        "/system/routing-templates",
        document=lambda center, template: template.document(),
        find=lambda center, template_id: center.routing_template(template_id),
        fields=("id", "name", "description", "version", "channel", "dependencies", "enabled", "schema"),
        readable=lambda ctx, template: ctx.is_staff,
    )
)


def _by_id(kind: Kind, argument: str):
    def lookup(ctx: Context):
        return kind.find(ctx.center, ctx.arg(argument))

    return lookup


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route(
            "/features", FEATURE, lambda ctx: ctx.center.features(), EVERYONE, "List the features of the contact center"
        ),
        read_route("/features/{feature_id}", FEATURE, _by_id(FEATURE, "feature_id"), EVERYONE, "Read a feature"),
        delete_route(
            "/features/{feature_id}",
            FEATURE,
            _by_id(FEATURE, "feature_id"),
            lambda ctx, feature: ctx.world.set_features(i for i in ctx.center.feature_ids if i != feature.id),
            ADMINS,
            "Remove a feature from the contact center: its API behaves as if it did not exist",
        ),
        list_route(
            "/system/features",
            SYSTEM_FEATURE,
            lambda ctx: SYSTEM_FEATURES,
            ADMINS,
            "List every feature the system offers",
        ),
        read_route(
            "/system/features/{feature_id}",
            SYSTEM_FEATURE,
            _by_id(SYSTEM_FEATURE, "feature_id"),
            ADMINS,
            "Read a feature of the system",
        ),
        list_route(
            "/services",
            SERVICE,
            lambda ctx: ctx.center.services.values(),
            EVERYONE,
            "List the services and their states",
        ),
        read_route("/services/{service_id}", SERVICE, _by_id(SERVICE, "service_id"), EVERYONE, "Read a service"),
        list_route(
            "/system/routing-templates",
            ROUTING_TEMPLATE,
            lambda ctx: ctx.center.routing_templates(),
            STAFF,
            "List the routing templates (filter with channel and version)",
        ),
        read_route(
            "/system/routing-templates/{template_id}",
            ROUTING_TEMPLATE,
            _by_id(ROUTING_TEMPLATE, "template_id"),
            STAFF,
            "Read a routing template",
        ),
    )
