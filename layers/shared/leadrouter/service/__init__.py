"""Application services: each is given its repositories, publisher, clock and random source."""
