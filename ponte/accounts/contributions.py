from ponte.core.registry import DataBuilder, registry

from . import demo

registry.add_data_builder(DataBuilder(key="accounts", order=10, demo=demo.build_demo))
