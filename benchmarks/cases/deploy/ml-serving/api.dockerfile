FROM pytorch/pytorch:latest # expect: CTR002, CTR005
ENV HF_TOKEN=hf_kQ3vX8mR2tL9pN5wB7yC1dF4gH6jK0sAzE # expect: CTR003
ENV MODEL_CACHE_DIR=/var/cache/models
ADD https://artifacts.ml.example.com/models/churn/2024-06/model.pt /var/cache/models/churn/2024-06/model.pt # expect: CTR004
RUN useradd --uid 10001 --create-home scorer
WORKDIR /srv/scoring
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY ml_serving/ ml_serving/
RUN chown -R scorer /var/cache/models
USER scorer # ok: CTR001
EXPOSE 8000
CMD ["uvicorn", "ml_serving.inference_api:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
