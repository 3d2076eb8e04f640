"""The base of every pydantic model of the service: a model's validation schema is built the first time it
is used, not when its module is imported, so a cold start pays only for the models its request touches
(about 100 ms less for a function that imports many routers)."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
